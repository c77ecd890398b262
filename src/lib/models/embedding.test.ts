import { describe, expect, it } from 'vitest';
import { EXACT_COLUMN_L1, EXACT_MAX_WEIGHT, effectiveEmbedding, toExactEmbedding } from './embedding';
import { ModelRandom, truncNormal } from './init';

describe('exact patch embedding', () => {
  const P = 1875;
  const E = 8;
  const rng = new ModelRandom(5);
  const wEff = truncNormal(rng, [P, E], 1);
  // one column concentrated on a few elements, one nearly constant (a DC component)
  for (let i = 0; i < P; i++) wEff.data[i * E] = i < 3 ? 5 : 1e-3 * (i % 7);
  for (let i = 0; i < P; i++) wEff.data[i * E + 1] = 0.02 + 1e-4 * (i % 3);
  const { w, scale } = toExactEmbedding(wEff);

  it('uses integers within the float32 (sum) and float16 (element) exactness bounds', () => {
    for (let d = 0; d < E; d++) {
      let l1 = 0;
      for (let i = 0; i < P; i++) {
        const m = w.data[i * E + d];
        expect(Number.isInteger(m)).toBe(true);
        expect(Math.abs(m)).toBeLessThanOrEqual(EXACT_MAX_WEIGHT);
        l1 += Math.abs(m);
      }
      expect(l1 * 255).toBeLessThan(2 ** 24);
      expect(l1).toBeLessThanOrEqual(EXACT_COLUMN_L1 + 1);
    }
  });

  it('stands for the float map it came from (within integer rounding)', () => {
    const back = effectiveEmbedding(w, scale);
    for (let d = 0; d < E; d++) {
      let err = 0;
      let norm = 0;
      for (let i = 0; i < P; i++) {
        err += (back.data[i * E + d] - wEff.data[i * E + d]) ** 2;
        norm += wEff.data[i * E + d] ** 2;
      }
      expect(Math.sqrt(err / norm)).toBeLessThan(0.02);
    }
  });

  it('float32 sums of a block are the same in any order (what makes adaptation exact)', () => {
    const pix = new ModelRandom(9);
    for (let trial = 0; trial < 20; trial++) {
      // worst case for cancellation-free growth: saturated blocks
      const v = Array.from({ length: P }, () => (trial % 2 ? 255 : 2 * pix.int(256) - 255));
      const order = Array.from({ length: P }, (_, i) => i);
      pix.shuffle(order);
      for (let d = 0; d < E; d++) {
        let forward = 0;
        let shuffled = 0;
        for (let i = 0; i < P; i++) forward = Math.fround(forward + Math.fround(v[i] * w.data[i * E + d]));
        for (const i of order) shuffled = Math.fround(shuffled + Math.fround(v[i] * w.data[i * E + d]));
        expect(shuffled).toBe(forward);
      }
    }
  });
});
