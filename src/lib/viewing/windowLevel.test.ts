import { describe, expect, it } from 'vitest';
import type { GreyFrame } from './greyFrame';
import { dragWindow, formatWindow, fullRangeWindow, keyStep, MIN_WIDTH, renderWindowed } from './windowLevel';

const frame = (values: number[], invert = false): GreyFrame => ({
  width: values.length,
  height: 1,
  values: Float32Array.from(values),
  min: Math.min(...values),
  max: Math.max(...values),
  invert,
});
const render = (f: GreyFrame, w: { center: number; width: number }) => {
  const out = new Uint8ClampedArray(f.values.length * 4);
  renderWindowed(f, w, out);
  return Array.from({ length: f.values.length }, (_, i) => out[4 * i]);
};

describe('window/level', () => {
  it('full range maps the lowest value to black and the highest to white', () => {
    const f = frame([-1000, 0, 3000]);
    expect(render(f, fullRangeWindow(f))).toEqual([0, 64, 255]);
  });

  it('a lung window on CT values: air grey, bone white, below the window black', () => {
    expect(render(frame([-1400, -600, 400]), { center: -600, width: 1500 })).toEqual([0, 128, 255]);
  });

  it('MONOCHROME1 inverts after windowing; alpha is opaque', () => {
    const f = frame([0, 255], true);
    const out = new Uint8ClampedArray(8);
    renderWindowed(f, { center: 128, width: 256 }, out);
    expect(Array.from(out)).toEqual([255, 255, 255, 255, 0, 0, 0, 255]);
  });

  it('dragging right widens, down raises the level, and the width never drops below 1', () => {
    const start = { center: 40, width: 400 };
    expect(dragWindow(start, 50, 0, 2)).toEqual({ center: 40, width: 500 });
    expect(dragWindow(start, 0, -30, 2)).toEqual({ center: -20, width: 400 });
    expect(dragWindow(start, -10_000, 0, 2).width).toBe(MIN_WIDTH);
  });

  it('keyboard steps are a hundredth of the range, at least 1', () => {
    expect(keyStep({ min: -1024, max: 3071 })).toBe(41);
    expect(keyStep({ min: 0, max: 10 })).toBe(1);
  });

  it('formats as W / L text', () => {
    expect(formatWindow({ center: -600, width: 1500 })).toBe('W 1500 / L -600');
    expect(formatWindow({ center: 1024500.5, width: 459001 })).toBe('W 459001 / L 1024500.5');
  });
});
