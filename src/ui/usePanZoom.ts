/**
 * Linked zoom and pan: any view box that uses this hook moves every view,
 * because the transform lives in the settings store. Pan is kept in fractions of
 * the box size so boxes of different sizes stay aligned.
 */
import { useEffect, type RefObject } from 'react';
import { useSettings } from '../state/settings';

export function usePanZoom(box: RefObject<HTMLElement | null>, enabled = true): void {
  useEffect(() => {
    const el = box.current;
    if (!el || !enabled) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const { view, setView } = useSettings.getState();
      const factor = e.deltaY < 0 ? 1.25 : 0.8;
      setView({ ...view, zoom: view.zoom * factor });
    };
    let drag: { x: number; y: number; vx: number; vy: number; id: number } | null = null;
    const onDown = (e: PointerEvent) => {
      if ((e.target as HTMLElement).closest('[role="slider"]')) return; // the split handle has its own drag
      const { view } = useSettings.getState();
      drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, id: e.pointerId };
      el.setPointerCapture(e.pointerId);
    };
    const onMove = (e: PointerEvent) => {
      if (!drag || e.pointerId !== drag.id) return;
      const rect = el.getBoundingClientRect();
      const { view, setView } = useSettings.getState();
      setView({ ...view, x: drag.vx + (e.clientX - drag.x) / rect.width, y: drag.vy + (e.clientY - drag.y) / rect.height });
    };
    const onUp = () => {
      drag = null;
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('pointerdown', onDown);
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onUp);
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('pointerdown', onDown);
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onUp);
    };
  }, [box, enabled]);
}
