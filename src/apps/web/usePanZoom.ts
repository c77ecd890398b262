/**
 * Linked zoom and pan: any view box that uses this hook moves every view,
 * because the transform lives in the settings store. Pan is kept in fractions of
 * the box size so boxes of different sizes stay aligned. Wheel zooms about the
 * cursor, dragging pans; with the box focused, arrows pan, + and - zoom, 0 resets.
 */
import { useEffect, type RefObject } from 'react';
import { MAX_ZOOM, MIN_ZOOM, useSettings } from './state/settings';

export function usePanZoom(box: RefObject<HTMLElement | null>, enabled = true): void {
  useEffect(() => {
    const el = box.current;
    if (!el || !enabled) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const { view, setView } = useSettings.getState();
      const rect = el.getBoundingClientRect();
      const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.zoom * (e.deltaY < 0 ? 1.25 : 0.8)));
      // keep the image point under the cursor where it is: c = x + zoom * u, in box fractions from the centre
      const cx = (e.clientX - rect.left) / rect.width - 0.5;
      const cy = (e.clientY - rect.top) / rect.height - 0.5;
      const k = zoom / view.zoom;
      setView(
        zoom === MIN_ZOOM ? { zoom, x: 0, y: 0 } : { zoom, x: cx - k * (cx - view.x), y: cy - k * (cy - view.y) },
      );
    };
    const onKey = (e: KeyboardEvent) => {
      // the split handle's arrow keys move the handle (its own handler), not the image under it
      if ((e.target as HTMLElement).closest('[role="slider"]')) return;
      const { view, setView, resetView } = useSettings.getState();
      const step = 0.05; // a twentieth of the box per press, at any zoom
      const moves: Record<string, [number, number]> = {
        ArrowLeft: [step, 0],
        ArrowRight: [-step, 0],
        ArrowUp: [0, step],
        ArrowDown: [0, -step],
      };
      if (e.key in moves) setView({ ...view, x: view.x + moves[e.key][0], y: view.y + moves[e.key][1] });
      else if (e.key === '+' || e.key === '=') setView({ ...view, zoom: view.zoom * 1.5 });
      else if (e.key === '-') setView({ ...view, zoom: view.zoom / 1.5 });
      else if (e.key === '0') resetView();
      else return;
      e.preventDefault();
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
      setView({
        ...view,
        x: drag.vx + (e.clientX - drag.x) / rect.width,
        y: drag.vy + (e.clientY - drag.y) / rect.height,
      });
    };
    const onUp = () => {
      drag = null;
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('keydown', onKey);
    el.addEventListener('pointerdown', onDown);
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onUp);
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('keydown', onKey);
      el.removeEventListener('pointerdown', onDown);
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onUp);
    };
  }, [box, enabled]);
}
