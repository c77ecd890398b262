/**
 * The feature-level augmentation must equal the patch embedding of the augmented
 * image exactly (up to float rounding), or training would not match inference.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { SeededRandom, truncNormal } from '../init';
import { patchEmbed } from '../ops';
import { blockCutMix, buildFeatureBank, embedOne, geometricVariant, mixedTargets } from './blockFeatures';

describe('block features', () => {
  it('a*W(x_variant) + s*rowSum + c equals the embedding of the intensity-augmented variant', async () => {
    const S = 50, B = 25, D = 8;
    const rng = new SeededRandom(3);
    const img = Uint8Array.from({ length: S * S * 3 }, () => 40 + rng.int(160));
    const w = truncNormal(rng, [B * B * 3, D], 0.05);
    const b = truncNormal(rng, [D], 0.1);
    const bank = await buildFeatureBank(img, [0], S, B, 0.5, w, b, 'mri', 4, () => {});
    for (const v of [0, 1, 2, 3]) {
      const a = 1.1, beta = 5;
      const out = new Float32Array(bank.tokens * D);
      embedOne(bank, 0, v, a, beta, out, 0);
      const augmented = Float32Array.from(geometricVariant(img, S, 'mri', v), (p) => a * p + beta);
      const ref = patchEmbed(tf.tensor4d(augmented, [1, S, S, 3]), B, tf.tensor2d(w.data, w.shape as [number, number]), tf.tensor1d(b.data), 0.5).dataSync();
      ref.forEach((r, i) => expect(out[i]).toBeCloseTo(r, 3));
    }
  });
});

describe('block CutMix', () => {
  it('pastes whole cells from a partner row and mixes the labels by cell share', () => {
    const n = 6, side = 4, D = 3, T = side * side;
    const tokens = Float32Array.from({ length: n * T * D }, (_, i) => Math.floor(i / (T * D))); // row k holds value k
    const mix = blockCutMix(tokens, n, side, D, new SeededRandom(4), 1);
    const targets = mixedTargets([0, 1, 2, 0, 1, 2], mix, 3, 0.1);
    for (let k = 0; k < n; k++) {
      const r = mix.partner[k];
      expect(r).not.toBe(k);
      let fromPartner = 0;
      for (let t = 0; t < T; t++) {
        const v = tokens[(k * T + t) * D];
        expect([k, r]).toContain(v);
        if (v === r) fromPartner++;
      }
      expect(fromPartner / T).toBeCloseTo(mix.share[k], 6);
      expect(mix.share[k]).toBeGreaterThan(0);
      const row = targets.subarray(k * 3, k * 3 + 3);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
    // probability 0: nothing changes
    const untouched = Float32Array.from({ length: n * T * D }, (_, i) => i);
    const none = blockCutMix(untouched, n, side, D, new SeededRandom(4), 0);
    expect(Array.from(none.partner)).toEqual(new Array(n).fill(-1));
    expect(untouched[5]).toBe(5);
  });
});
