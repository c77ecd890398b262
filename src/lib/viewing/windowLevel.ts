/**
 * Window/level for looking: a window (centre = level, width) over modality values,
 * turned into canvas pixels with the display pipeline's DICOM linear function, and
 * changed by dragging as OHIF does (horizontal = width, vertical = level).
 * Looking only: nothing here touches the model input (docs/ARCHITECTURE.md, "Original viewer").
 * Pure arithmetic: no DOM, no I/O.
 */
import { linearWindow } from '../decode/dicom/displayPipeline';
import type { GreyFrame } from './greyFrame';

export interface Window {
  center: number;
  width: number;
}

/** Narrowest window: the DICOM linear function needs width >= 1. */
export const MIN_WIDTH = 1;

/** The window that maps the frame's lowest value to black and its highest to white (as the decoder computes it). */
export function fullRangeWindow(frame: Pick<GreyFrame, 'min' | 'max'>): Window {
  return { center: (frame.min + frame.max + 1) / 2, width: Math.max(MIN_WIDTH, frame.max - frame.min + 1) };
}

/** Windowed grey into RGBA canvas pixels (`out` has 4 bytes a pixel), inverted for MONOCHROME1. */
export function renderWindowed(frame: GreyFrame, window: Window, out: Uint8ClampedArray): void {
  const grey = linearWindow(window);
  const { values, invert } = frame;
  for (let i = 0; i < values.length; i++) {
    const g = invert ? 255 - grey(values[i]) : grey(values[i]);
    const o = 4 * i;
    out[o] = g;
    out[o + 1] = g;
    out[o + 2] = g;
    out[o + 3] = 255;
  }
}

/**
 * How many modality units one screen pixel of drag moves the window: a drag across
 * about 500 px spans the frame's whole range, so a 12-bit CT and an 8-bit PNG feel alike.
 */
export function dragSensitivity(frame: Pick<GreyFrame, 'min' | 'max'>): number {
  return Math.max((frame.max - frame.min) / 500, 1 / 16);
}

/**
 * A drag of (dx, dy) screen pixels from `start`: right widens, left narrows; down raises
 * the level, up lowers it (OHIF's WindowLevel tool).
 */
export function dragWindow(start: Window, dx: number, dy: number, sensitivity: number): Window {
  return {
    center: start.center + dy * sensitivity,
    width: Math.max(MIN_WIDTH, start.width + dx * sensitivity),
  };
}

/** One keyboard step of width or level: a hundredth of the frame's range (at least 1). */
export function keyStep(frame: Pick<GreyFrame, 'min' | 'max'>): number {
  return Math.max(1, Math.round((frame.max - frame.min) / 100));
}

/** "W 400 / L 40": whole numbers where the values are whole, else two decimals. */
export function formatWindow(window: Window): string {
  return `W ${formatNumber(window.width)} / L ${formatNumber(window.center)}`;
}

export function formatNumber(v: number): string {
  return String(Math.round(v * 100) / 100);
}
