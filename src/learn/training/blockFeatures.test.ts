/**
 * The feature-level augmentation must equal the patch embedding of the augmented
 * image exactly (up to float rounding), or training would not match inference.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ModelRandom, truncNormal } from '../../lib/models/init';
import { patchEmbed } from '../../lib/models/ops';
import {
  blockCutMix,
  buildFeatureBank,
  embedOne,
  geometricVariant,
  mixedTargets,
  randomAffineVariant,
} from './blockFeatures';

describe('block features', () => {
  it('a*W(x_variant) + s*rowSum + c equals the embedding of the intensity-augmented variant', async () => {
    const S = 50,
      B = 25,
      D = 8;
    const rng = new ModelRandom(3);
    const img = Uint8Array.from({ length: S * S * 3 }, () => 40 + rng.int(160));
    const w = truncNormal(rng, [B * B * 3, D], 0.05);
    const b = truncNormal(rng, [D], 0.1);
    const bank = await buildFeatureBank(img, [0], S, B, 0.5, w, b, 'mri', 4, () => {});
    for (const v of [0, 1, 2, 3]) {
      const a = 1.1,
        beta = 5;
      const out = new Float32Array(bank.tokens * D);
      embedOne(bank, 0, v, a, beta, out, 0);
      const augmented = Float32Array.from(geometricVariant(img, S, 'mri', v), (p) => a * p + beta);
      const ref = patchEmbed(
        tf.tensor4d(augmented, [1, S, S, 3]),
        B,
        tf.tensor2d(w.data, w.shape as [number, number]),
        tf.tensor1d(b.data),
        0.5,
      ).dataSync();
      ref.forEach((r, i) => expect(out[i]).toBeCloseTo(r, 3));
    }
  });
});

describe('random affine variants (--variants N > 4)', () => {
  const S = 50;
  const rng = new ModelRandom(5);
  const img = Uint8Array.from({ length: S * S * 3 }, () => 20 + rng.int(200));

  it('are reproducible per (image, variant) and differ between variants and images', () => {
    const a = geometricVariant(img, S, 'mri', 5, 17);
    expect(Array.from(geometricVariant(img, S, 'mri', 5, 17))).toEqual(Array.from(a));
    expect(Array.from(geometricVariant(img, S, 'mri', 6, 17))).not.toEqual(Array.from(a));
    expect(Array.from(geometricVariant(img, S, 'mri', 5, 18))).not.toEqual(Array.from(a));
    expect(Array.from(a)).not.toEqual(Array.from(img));
  });

  it('MRI: a flat scan stays flat where the source is inside the frame; black outside', () => {
    const flat = new Uint8Array(S * S * 3).fill(120);
    for (let seed = 0; seed < 20; seed++) {
      const out = randomAffineVariant(flat, S, 'mri', new ModelRandom(seed));
      const values = new Set(out);
      // bilinear inside, zero fill outside: only 120, 0 and edge blends
      expect(out.every((v) => v <= 120)).toBe(true);
      expect(values.has(120)).toBe(true);
    }
  });

  it('histology: mirrored borders keep every pixel filled; stain gains stay within 0.9–1.1 per channel', () => {
    const flat = new Uint8Array(S * S * 3);
    for (let i = 0; i < flat.length; i += 3) {
      flat[i] = 200;
      flat[i + 1] = 100;
      flat[i + 2] = 150;
    }
    for (let seed = 0; seed < 20; seed++) {
      const out = randomAffineVariant(flat, S, 'histology', new ModelRandom(seed));
      for (let c = 0; c < 3; c++) {
        const first = out[c];
        expect(first).toBeGreaterThanOrEqual(Math.floor(flat[c] * 0.9));
        expect(first).toBeLessThanOrEqual(Math.ceil(flat[c] * 1.1));
        for (let i = c; i < out.length; i += 3) expect(Math.abs(out[i] - first)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('a bank with 6 variants holds the embedding of each variant', async () => {
    const B = 25,
      D = 4;
    const w = truncNormal(rng, [B * B * 3, D], 0.05);
    const b = truncNormal(rng, [D], 0.1);
    const bank = await buildFeatureBank(img, [0], S, B, 0.5, w, b, 'histology', 6, () => {});
    expect(bank.variants).toBe(6);
    const out = new Float32Array(bank.tokens * D);
    embedOne(bank, 0, 5, 1, 0, out, 0);
    const variant = Float32Array.from(geometricVariant(img, S, 'histology', 5, 0));
    const ref = patchEmbed(
      tf.tensor4d(variant, [1, S, S, 3]),
      B,
      tf.tensor2d(w.data, w.shape as [number, number]),
      tf.tensor1d(b.data),
      0.5,
    ).dataSync();
    ref.forEach((r, i) => expect(out[i]).toBeCloseTo(r, 3));
  });
});

describe('block CutMix', () => {
  it('pastes whole cells from a partner row and mixes the labels by cell share', () => {
    const n = 6,
      side = 4,
      D = 3,
      T = side * side;
    const tokens = Float32Array.from({ length: n * T * D }, (_, i) => Math.floor(i / (T * D))); // row k holds value k
    const mix = blockCutMix(tokens, n, side, D, new ModelRandom(4), 1);
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
    const none = blockCutMix(untouched, n, side, D, new ModelRandom(4), 0);
    expect(Array.from(none.partner)).toEqual(new Array(n).fill(-1));
    expect(untouched[5]).toBe(5);
  });
});
