import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticScan, tinyVitConfig, tinyVitWeights } from '../../../testing/inversionFixtures';
import { invertClassToken, totalVariation } from './tokenInversion';
import { pixelsOf, pixelVit } from './pixelVit';

describe('class-token inversion', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('moves the image until its class token nears the target', () => {
    const cfg = tinyVitConfig({ viewEnsemble: 'mirror' });
    const vit = pixelVit(cfg, tinyVitWeights(cfg));
    const target = tf.tidy(() => vit.features(pixelsOf(syntheticScan(20, 1))).dataSync());
    const before = tf.memory().numTensors;
    const r = invertClassToken(vit, target, { start: syntheticScan(20, 2), steps: 30, learningRate: 0.1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.tokenLossEnd).toBeLessThan(r.tokenLossStart / 4);
    vit.dispose();
  });

  it('total variation is zero on a flat image and grows with edges', () => {
    const flat = tf.fill([1, 8, 8, 3], 0.5) as tf.Tensor4D;
    const edge = tf.concat([tf.zeros([1, 8, 4, 3]), tf.ones([1, 8, 4, 3])], 2) as tf.Tensor4D;
    expect(totalVariation(flat).dataSync()[0]).toBe(0);
    expect(totalVariation(edge).dataSync()[0]).toBeCloseTo(1 / 7, 5);
    tf.dispose([flat, edge]);
  });
});
