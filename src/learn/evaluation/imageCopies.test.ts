/** The whole-image copy descriptor: blind to margins, size, contrast and mirroring; not to a different scan. */
import { describe, expect, it } from 'vitest';
import { copySimilarity, momentBox, thumbnailDescriptor } from './imageCopies';
import { toModelInput } from '../../lib/image/resize';

const SIZE = 64;

/** A made-up "scan": a bright ellipse on black with a brighter blob at (bx, by), as RGB. */
function scan(width: number, height: number, bx: number, by: number, gain = 1): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width - 0.5;
      const v = (y + 0.5) / height - 0.5;
      if ((u / 0.4) ** 2 + (v / 0.45) ** 2 > 1) continue;
      const blob = Math.exp(-(((u - bx) / 0.08) ** 2 + ((v - by) / 0.08) ** 2));
      const level = gain * (90 + 30 * Math.sin(12 * u) + 120 * blob);
      rgb.fill(Math.round(level), (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  return rgb;
}

const descriptor = (rgb: Uint8Array) => thumbnailDescriptor(rgb, SIZE);

describe('copySimilarity', () => {
  const original = scan(SIZE, SIZE, -0.2, -0.15);

  it('scores an image against itself 1', () => {
    expect(copySimilarity(descriptor(original), descriptor(original))).toBeCloseTo(1, 5);
  });

  it('sees through other black margins and another pixel size (the copy padded, then read at the same input size)', () => {
    const padded = toModelInput({ width: 80, height: 64, data: scan(80, 64, -0.2, -0.15) }, SIZE).data;
    const smaller = toModelInput({ width: 40, height: 40, data: scan(40, 40, -0.2, -0.15) }, SIZE).data;
    expect(copySimilarity(descriptor(original), descriptor(padded))).toBeGreaterThan(0.97);
    expect(copySimilarity(descriptor(original), descriptor(smaller))).toBeGreaterThan(0.97);
  });

  it('sees through brightness and contrast', () => {
    expect(copySimilarity(descriptor(original), descriptor(scan(SIZE, SIZE, -0.2, -0.15, 0.5)))).toBeGreaterThan(0.97);
  });

  it('sees through a lifted black (a re-encoded copy whose margins are no longer 0)', () => {
    // the scan at the left of a wider black canvas: a lifted black there would pull the box to the right
    const canvas = new Uint8Array(96 * 64 * 3);
    for (let y = 0; y < 64; y++) canvas.set(original.subarray(y * SIZE * 3, (y + 1) * SIZE * 3), y * 96 * 3);
    const copy = toModelInput({ width: 96, height: 64, data: canvas.map((v) => v + 12) }, SIZE).data;
    expect(copySimilarity(descriptor(original), descriptor(copy))).toBeGreaterThan(0.97);
  });

  it('matches a left-right mirror image', () => {
    const mirrored = new Uint8Array(original.length);
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++)
        mirrored.set(original.subarray((y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3), (y * SIZE + SIZE - 1 - x) * 3);
    expect(copySimilarity(descriptor(original), descriptor(mirrored))).toBeGreaterThan(0.99);
  });

  it('does not match a scan with the blob elsewhere (not a mirror image)', () => {
    expect(copySimilarity(descriptor(original), descriptor(scan(SIZE, SIZE, 0.05, 0.3)))).toBeLessThan(0.9);
  });
});

describe('momentBox', () => {
  it('does not move with black padding, in the scan’s own pixels', () => {
    const w = new Float32Array(SIZE * SIZE);
    for (let y = 10; y < 30; y++) for (let x = 20; x < 40; x++) w[y * SIZE + x] = 1;
    const box = momentBox(w, SIZE, 2);
    expect(box.x0 + box.x1).toBeCloseTo(60, 5);
    expect(box.y0 + box.y1).toBeCloseTo(40, 5);
    // a uniform square's standard deviation is side / sqrt(12)
    expect(box.x1 - box.x0).toBeCloseTo((4 * 20) / Math.sqrt(12), 1);
  });
});
