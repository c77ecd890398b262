/**
 * Moving through the frames of a multi-frame image by keyboard, wheel and cine, as
 * radiology viewers do: arrows one frame, Page Up/Down a tenth of the stack, Home/End
 * the ends; cine wraps around. Pure: no DOM.
 */

/** The frame a key leads to, or undefined when the key does not move frames. */
export function frameAfterKey(key: string, frame: number, frames: number): number | undefined {
  const page = Math.max(1, Math.round(frames / 10));
  const moves: Record<string, number> = {
    ArrowDown: 1,
    ArrowRight: 1,
    ArrowUp: -1,
    ArrowLeft: -1,
    PageDown: page,
    PageUp: -page,
  };
  if (key === 'Home') return 0;
  if (key === 'End') return frames - 1;
  if (!(key in moves)) return undefined;
  return clampFrame(frame + moves[key], frames);
}

/** One wheel notch: down (deltaY > 0) is the next frame, as scrolling down a stack. */
export function frameAfterWheel(deltaY: number, frame: number, frames: number): number {
  if (deltaY === 0) return frame;
  return clampFrame(frame + Math.sign(deltaY), frames);
}

/** Cine's next frame: wraps from the last to the first. */
export function nextCineFrame(frame: number, frames: number): number {
  return frames > 0 ? (frame + 1) % frames : 0;
}

export function clampFrame(frame: number, frames: number): number {
  return Math.min(Math.max(0, frames - 1), Math.max(0, Math.round(frame)));
}

/** Frames per second for cine: the file's recommendation, else from its frame time, else 10; within 1..60. */
export function defaultFrameRate(recommended?: number, frameTimeMs?: number): number {
  const rate = recommended && recommended > 0 ? recommended : frameTimeMs && frameTimeMs > 0 ? 1000 / frameTimeMs : 10;
  return clampFrameRate(rate);
}

export const MIN_FRAME_RATE = 1;
export const MAX_FRAME_RATE = 60;

export function clampFrameRate(rate: number): number {
  return Math.min(MAX_FRAME_RATE, Math.max(MIN_FRAME_RATE, Math.round(rate) || MIN_FRAME_RATE));
}
