/**
 * Pointer, wheel and keyboard on the viewer's image box, as radiology viewers do:
 * drag = window/level (horizontal width, vertical level; OHIF) or pan, by the tool
 * chosen, and the middle or right button or Shift always pans; wheel = frames on a
 * multi-frame image, zoom otherwise (Ctrl+wheel zooms always). Keys: arrows, Page
 * Up/Down, Home/End frames (arrows pan a single frame); Shift+arrows window
 * (left/right width, up/down level); Alt+arrows pan; + and - zoom, 0 fits; R
 * resets the window; Space plays and pauses cine.
 */
import { useEffect, type RefObject } from 'react';
import { frameAfterWheel } from '../../../lib/viewing/frameNavigation';
import { dragSensitivity, dragWindow, type Window } from '../../../lib/viewing/windowLevel';
import {
  fitView,
  frameKey,
  goToFrame,
  nudgeWindow,
  panBy,
  resetWindow,
  setPlaying,
  setWindow,
  zoomBy,
} from './viewerActions';
import { useViewer } from './viewerStore';

const PAN_STEP = 20;

/** `mounted`: the box is in the page (the hook re-attaches when it appears). */
export function useViewerInput(box: RefObject<HTMLElement | null>, fitted: () => number, mounted: boolean): void {
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let drag: {
      id: number;
      x: number;
      y: number;
      mode: 'window' | 'pan';
      window?: Window;
      pan: { x: number; y: number };
    } | null = null;

    const onDown = (e: PointerEvent) => {
      const { tool, window, pan, shown } = useViewer.getState();
      const panning = tool === 'pan' || e.shiftKey || e.button === 1 || e.button === 2 || !shown?.grey || !window;
      drag = { id: e.pointerId, x: e.clientX, y: e.clientY, mode: panning ? 'pan' : 'window', window, pan };
      el.setPointerCapture(e.pointerId);
      el.focus();
      e.preventDefault();
    };
    const onMove = (e: PointerEvent) => {
      if (!drag || e.pointerId !== drag.id) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (drag.mode === 'pan') {
        useViewer.getState().set({ pan: { x: drag.pan.x + dx, y: drag.pan.y + dy } });
        return;
      }
      const grey = useViewer.getState().shown?.grey;
      if (grey && drag.window) setWindow(dragWindow(drag.window, dx, dy, dragSensitivity(grey)));
    };
    const onUp = () => {
      drag = null;
    };
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const { frames, frame } = useViewer.getState();
      if (frames > 1 && !e.ctrlKey) {
        const next = frameAfterWheel(e.deltaY, frame, frames);
        if (next !== frame) goToFrame(next);
      } else zoomBy(e.deltaY < 0 ? 1.25 : 0.8, fitted());
    };
    const onKey = (e: KeyboardEvent) => {
      const arrows: Record<string, [number, number]> = {
        ArrowLeft: [-1, 0],
        ArrowRight: [1, 0],
        ArrowUp: [0, -1],
        ArrowDown: [0, 1],
      };
      const arrow = arrows[e.key];
      if (arrow && e.shiftKey) nudgeWindow(arrow[0], arrow[1]);
      else if (arrow && (e.altKey || useViewer.getState().frames < 2))
        panBy(-arrow[0] * PAN_STEP, -arrow[1] * PAN_STEP);
      else if (frameKey(e.key)) {
        /* moved a frame */
      } else if (e.key === '+' || e.key === '=') zoomBy(1.25, fitted());
      else if (e.key === '-') zoomBy(0.8, fitted());
      else if (e.key === '0') fitView();
      else if (e.key === 'r' || e.key === 'R') resetWindow();
      else if (e.key === ' ') setPlaying(!useViewer.getState().playing);
      else return;
      e.preventDefault();
    };
    const noMenu = (e: Event) => e.preventDefault();
    el.addEventListener('pointerdown', onDown);
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onUp);
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('keydown', onKey);
    el.addEventListener('contextmenu', noMenu);
    return () => {
      el.removeEventListener('pointerdown', onDown);
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onUp);
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('keydown', onKey);
      el.removeEventListener('contextmenu', noMenu);
    };
  }, [box, fitted, mounted]);
}
