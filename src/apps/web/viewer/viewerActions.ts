/**
 * What the viewer's controls do, shared by pointer, wheel, keyboard and buttons so
 * every gesture has a keyboard twin: set or nudge the window, step frames, zoom,
 * pan, play. Reads and writes the viewer store only.
 */
import { clampFrameRate, frameAfterKey, nextCineFrame } from '../../../lib/viewing/frameNavigation';
import { keyStep, MIN_WIDTH, type Window } from '../../../lib/viewing/windowLevel';
import { selectedFile, useFiles } from '../state/files';
import { showFrame } from './showFrame';
import { useViewer } from './viewerStore';

export const MIN_VIEW_ZOOM = 1 / 16;
export const MAX_VIEW_ZOOM = 32;

export function setWindow(window: Window): void {
  useViewer.getState().set({ window: { center: window.center, width: Math.max(MIN_WIDTH, window.width) } });
}

/** Keyboard W/L: `dWidth` and `dLevel` in steps of a hundredth of the frame's range. */
export function nudgeWindow(dWidth: number, dLevel: number): void {
  const { window, shown } = useViewer.getState();
  if (!window || !shown?.grey) return;
  const step = keyStep(shown.grey);
  setWindow({ center: window.center + dLevel * step, width: window.width + dWidth * step });
}

export function resetWindow(): void {
  const { initialWindow } = useViewer.getState();
  if (initialWindow) setWindow(initialWindow);
}

export function goToFrame(frame: number): void {
  const file = useFiles.getState().files.find((f) => f.id === useViewer.getState().fileId);
  if (file && file.id === selectedFile(useFiles.getState())?.id) void showFrame(file, frame);
}

/** A frame key (arrows, Page Up/Down, Home/End): true when it moved, so the caller stops its default. */
export function frameKey(key: string): boolean {
  const { frame, frames } = useViewer.getState();
  if (frames < 2) return false;
  const next = frameAfterKey(key, frame, frames);
  if (next === undefined) return false;
  if (next !== frame) goToFrame(next);
  return true;
}

/** Zoom by `factor` about the box centre, from the fitted zoom when none is set. */
export function zoomBy(factor: number, fitted: number): void {
  const { zoom, pan } = useViewer.getState();
  const from = zoom ?? fitted;
  const to = Math.min(MAX_VIEW_ZOOM, Math.max(MIN_VIEW_ZOOM, from * factor));
  const k = to / from;
  useViewer.getState().set({ zoom: to, pan: { x: pan.x * k, y: pan.y * k } });
}

export function panBy(dx: number, dy: number): void {
  const { pan } = useViewer.getState();
  useViewer.getState().set({ pan: { x: pan.x + dx, y: pan.y + dy } });
}

export function fitView(): void {
  useViewer.getState().set({ zoom: null, pan: { x: 0, y: 0 } });
}

export function setPlaying(playing: boolean): void {
  useViewer.getState().set({ playing: playing && useViewer.getState().frames > 1 });
}

export function setFps(fps: number): void {
  useViewer.getState().set({ fps: clampFrameRate(fps) });
}

/** Cine's next frame, wrapping; called by the cine timer once the last frame is on screen. */
export function cineStep(): void {
  const { frame, frames } = useViewer.getState();
  goToFrame(nextCineFrame(frame, frames));
}
