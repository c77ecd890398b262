/** The near-duplicate descriptor: blind to flips (and, unstretched, to 90° turns), not to content; LC25000's crop. */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../lib/random/seededRandom';
import { applyLc25000, augmentorCrop } from './lc25000Augment';
import { RING_DESCRIPTOR, pairSimilarity, ringDescriptors, ringMean, standardiseRings } from './nearDuplicates';

const SIZE = 96;

/** Smooth random blobs: no symmetry a flip or a turn could hide behind. */
function blobs(seed: number): Uint8Array {
  const rng = new SeededRandom(seed);
  const centres = Array.from({ length: 40 }, () => [
    rng.next() * SIZE,
    rng.next() * SIZE,
    3 + rng.next() * 8,
    rng.next(),
  ]);
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      let v = 0;
      for (const [cx, cy, r, w] of centres) v += w * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
      const g = Math.min(255, Math.round(255 * v));
      rgb.set([g, 255 - g, (g * 3) % 256], (y * SIZE + x) * 3);
    }
  return rgb;
}

function transformed(rgb: Uint8Array, at: (x: number, y: number) => [number, number]): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const [sx, sy] = at(x, y);
      out.set(rgb.subarray((sy * SIZE + sx) * 3, (sy * SIZE + sx) * 3 + 3), (y * SIZE + x) * 3);
    }
  return out;
}
const last = SIZE - 1;
const flipX = (rgb: Uint8Array) => transformed(rgb, (x, y) => [last - x, y]);
const flipY = (rgb: Uint8Array) => transformed(rgb, (x, y) => [x, last - y]);
const turn90 = (rgb: Uint8Array) => transformed(rgb, (x, y) => [y, last - x]);

function expectClose(a: Float32Array, b: Float32Array) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(1e-3);
}

describe('ringDescriptors', () => {
  const image = blobs(1);
  const plain = ringDescriptors(image, SIZE);

  it('gives one descriptor per stretch hypothesis, unchanged by either flip', () => {
    expect(plain).toHaveLength(RING_DESCRIPTOR.hypotheses.length);
    for (const flipped of [flipX(image), flipY(image)])
      ringDescriptors(flipped, SIZE).forEach((d, h) => expectClose(d, plain[h]));
  });

  it('is unchanged by a 90° turn where the rings are circles (no stretch undone)', () => {
    expect(RING_DESCRIPTOR.hypotheses[0]).toBe(0);
    expectClose(ringDescriptors(turn90(image), SIZE)[0], plain[0]);
  });

  it('finds an LC25000 copy more alike than another image', () => {
    const others = [2, 3, 4, 5].map(blobs);
    const raw = [image, ...others].map((x) => ringDescriptors(x, SIZE));
    const mean = ringMean(raw.flat());
    const std = (d: Float32Array[]) => d.map((x) => standardiseRings(x, mean));
    const copy = std(ringDescriptors(applyLc25000(image, SIZE, { angle: 17, flipX: true, flipY: false }), SIZE));
    const own = pairSimilarity(std(raw[0]), copy);
    expect(own).toBeGreaterThan(0.8);
    for (const other of raw.slice(1)) expect(pairSimilarity(std(other), copy)).toBeLessThan(own - 0.2);
  });
});

describe('LC25000 copies', () => {
  it("reproduces Augmentor's crop, slip included: 513 x 305 of a 768 square at 25°, the whole square at 0°", () => {
    const crop = augmentorCrop(25, 768);
    expect(crop.width).toBeCloseTo(513.06, 1);
    expect(crop.height).toBeCloseTo(305.45, 1);
    expect(augmentorCrop(-25, 768)).toEqual(crop);
    expect(augmentorCrop(0, 768)).toEqual({ width: 768, height: 768 });
  });

  it('leaves the image as it is at 0° without flips, and flips it otherwise', () => {
    const image = blobs(7);
    expect(applyLc25000(image, SIZE, { angle: 0, flipX: false, flipY: false })).toEqual(image);
    expect(applyLc25000(image, SIZE, { angle: 0, flipX: true, flipY: true })).toEqual(flipY(flipX(image)));
  });
});
