/** The model input: padding is virtual (no canvas allocated) and gives the bytes of padding for real. */
import { describe, expect, it } from 'vitest';
import { resizeRgb, toModelInput } from './resize';
import type { RgbImage } from './rgb';

function noise(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return { width, height, data };
}

/** The old way: make the black square, then resize it. */
function padThenResize(src: RgbImage, size: number): RgbImage {
  const side = Math.max(src.width, src.height);
  const ox = (side - src.width) >> 1;
  const oy = (side - src.height) >> 1;
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < src.height; y++)
    data.set(src.data.subarray(y * src.width * 3, (y + 1) * src.width * 3), ((y + oy) * side + ox) * 3);
  return resizeRgb({ width: side, height: side, data }, size, size);
}

describe('toModelInput', () => {
  it('equals padding to a square and resizing, byte for byte, for wide, tall, odd and small images', () => {
    for (const [w, h, size] of [
      [317, 211, 200],
      [211, 317, 200],
      [640, 480, 200],
      [99, 500, 200],
      [7, 3, 25],
      [1, 300, 200],
      [300, 300, 200],
      [150, 100, 200],
    ]) {
      const src = noise(w, h, w * 31 + h);
      expect(Array.from(toModelInput(src, size).data), `${w} x ${h} -> ${size}`).toEqual(
        Array.from(padThenResize(src, size).data),
      );
    }
  });

  it('takes a long strip without making its square', () => {
    const strip = noise(16384, 2, 5);
    const out = toModelInput(strip, 200);
    expect(out.width).toBe(200);
    // the strip is centred: rows above and below it are black
    expect(out.data[0]).toBe(0);
    expect(out.data.subarray(100 * 600, 101 * 600).some((v) => v > 0)).toBe(true);
  });
});
