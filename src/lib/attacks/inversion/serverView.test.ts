import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSealWithHeap } from '../../../testing/sealHeap';
import { syntheticScan, tinyVitConfig, tinyVitWeights } from '../../../testing/inversionFixtures';
import { createCkksClient, type Seal } from '../../cipher/ckks';
import type { RgbImage } from '../../image/rgb';
import { leakageMetrics } from '../../metrics/leakage';
import { pixelsOf, pixelVit } from './pixelVit';
import { ciphertextAsToken, tokenPrior } from './serverView';
import { invertClassToken } from './tokenInversion';

function meanOf(images: RgbImage[]): RgbImage {
  const sum = new Float64Array(images[0].data.length);
  for (const im of images) im.data.forEach((v, i) => (sum[i] += v));
  return { ...images[0], data: Uint8Array.from(sum, (v) => Math.round(v / images.length)) };
}

describe('the inversion attacker with what the server holds', () => {
  let seal: Seal;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    seal = (await loadSealWithHeap()).seal;
  });

  it('scores no better than the mean image from CKKS ciphertexts of class tokens', () => {
    const cfg = tinyVitConfig();
    const vit = pixelVit(cfg, tinyVitWeights(cfg));
    const publicImages = [11, 12, 13, 14, 15, 16].map((s) => syntheticScan(20, s));
    const mean = meanOf(publicImages);
    const featuresOf = (im: RgbImage) => tf.tidy(() => vit.features(pixelsOf(im)).dataSync());
    const prior = tokenPrior(publicImages.map(featuresOf));
    const client = createCkksClient(seal, { features: cfg.width, classes: cfg.classes.length });
    try {
      for (const seed of [1, 2, 3]) {
        const victim = syntheticScan(20, seed);
        const sent = client.encrypt([featuresOf(victim)]);
        const guess = ciphertextAsToken(seal, sent.ciphertexts[0], prior);
        expect(guess.length).toBe(cfg.width);
        expect(guess.every(Number.isFinite)).toBe(true);
        const r = invertClassToken(vit, guess, { start: mean, steps: 15 });
        const attacked = leakageMetrics(victim, r.image);
        const baseline = leakageMetrics(victim, mean);
        expect(attacked.psnr).toBeLessThan(baseline.psnr + 0.5);
        expect(attacked.ssim).toBeLessThan(baseline.ssim + 0.05);
      }
    } finally {
      client.dispose();
      vit.dispose();
    }
  });

  it('reads different coefficients from two encryptions of the same token', () => {
    const prior = { mean: new Float32Array(8), std: new Float32Array(8).fill(1) };
    const client = createCkksClient(seal, { features: 8, classes: 2 });
    try {
      const token = Array.from({ length: 8 }, (_, i) => i / 8);
      const a = ciphertextAsToken(seal, client.encrypt([token]).ciphertexts[0], prior);
      const b = ciphertextAsToken(seal, client.encrypt([token]).ciphertexts[0], prior);
      expect(Array.from(a)).not.toEqual(Array.from(b));
      expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(3) + 1e-6); // uniform, unit variance
    } finally {
      client.dispose();
    }
  });
});
