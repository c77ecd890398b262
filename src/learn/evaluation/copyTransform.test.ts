/** Known duplicates for the copy descriptor's threshold: what each change of a copy does. */
import { describe, expect, it } from 'vitest';
import { applyCopyTransform, randomCopyTransform, type CopyTransform } from './copyTransform';
import { SeededRandom } from '../../lib/random/seededRandom';

const SIZE = 32;
const image = Uint8Array.from({ length: SIZE * SIZE * 3 }, (_, i) => {
  const p = Math.floor(i / 3);
  const [x, y] = [p % SIZE, Math.floor(p / SIZE)];
  return x >= 4 && x < 28 && y >= 6 && y < 26 ? 40 + 6 * x + y : 0;
});
const plain: CopyTransform = {
  margins: { top: 0.125, bottom: 0.125, left: 0.125, right: 0.125 },
  scale: 1,
  blur: false,
  levels: 256,
  mirror: false,
};

describe('applyCopyTransform', () => {
  it('mirrors left-right when asked, and only then', () => {
    const a = applyCopyTransform(image, SIZE, plain);
    const b = applyCopyTransform(image, SIZE, { ...plain, mirror: true });
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++) expect(b[(y * SIZE + x) * 3]).toBe(a[(y * SIZE + SIZE - 1 - x) * 3]);
    expect(a).not.toEqual(b);
  });

  it('keeps at most `levels` grey levels', () => {
    const out = applyCopyTransform(image, SIZE, { ...plain, levels: 16 });
    expect(new Set(out).size).toBeLessThanOrEqual(16);
    expect(new Set(applyCopyTransform(image, SIZE, plain)).size).toBeGreaterThan(16);
  });

  it('re-frames the scan: black margins where asked', () => {
    const out = applyCopyTransform(image, SIZE, { ...plain, margins: { top: 0.25, bottom: 0, left: 0, right: 0 } });
    // the frame is wider than tall, so the loader pads it square: rows at the top are black
    expect(Math.max(...out.subarray(0, SIZE * 3 * 4))).toBe(0);
  });
});

describe('randomCopyTransform', () => {
  it('draws within the stated ranges, seeded', () => {
    const rng = new SeededRandom(1);
    for (let k = 0; k < 200; k++) {
      const t = randomCopyTransform(() => rng.next());
      for (const m of Object.values(t.margins)) expect(m >= -0.02 && m <= 0.12).toBe(true);
      expect(t.scale >= 0.4 && t.scale <= 1).toBe(true);
      expect([16, 32, 64, 256]).toContain(t.levels);
    }
  });
});
