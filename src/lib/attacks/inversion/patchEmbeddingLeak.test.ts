import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticScan, tinyVitConfig, tinyVitWeights } from '../../../testing/inversionFixtures';
import { createModel } from '../../models/model';
import { toExactEmbedding } from '../../models/embedding';
import { leakageMetrics } from '../../metrics/leakage';
import { pixelsOf, pixelVit } from './pixelVit';
import { recoverFromUpdate, singleImageUpdate } from './patchEmbeddingLeak';

const maxByteDiff = (a: Uint8Array, b: Uint8Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('pixelVit', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  const variants = {
    'float embedding, dihedral views, relative bias': tinyVitConfig({ viewEnsemble: 'dihedral4', relativeBias: true }),
    'float embedding, eight views with quarter turns, relative bias': tinyVitConfig({
      viewEnsemble: 'dihedral8',
      relativeBias: true,
    }),
    'exact embedding, stem, mirror views': tinyVitConfig({
      viewEnsemble: 'mirror',
      exactEmbedding: true,
      embedDim: 16,
      stemMlpDim: 8,
    }),
  };
  for (const [name, cfg] of Object.entries(variants)) {
    it(`computes the model's own class-token features (${name})`, () => {
      const host = tinyVitWeights(cfg);
      if (cfg.exactEmbedding) {
        const exact = toExactEmbedding(host['patch.w']);
        host['patch.w'] = exact.w;
        host['patch.scale'] = exact.scale;
      }
      const model = createModel(cfg, host);
      const vit = pixelVit(cfg, host);
      const image = syntheticScan(20, 5);
      const [ours, theirs, identity] = tf.tidy(() => [
        vit.features(pixelsOf(image)).dataSync(),
        model.features(tf.tensor4d(image.data, [1, 20, 20, 3], 'float32')).dataSync(),
        vit.outputs(pixelsOf(image)).features.dataSync(),
      ]);
      const diff = (a: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - theirs[i])));
      expect(diff(ours)).toBeLessThan(1e-4);
      expect(diff(identity)).toBeGreaterThan(1e-3); // the views matter: the identity view alone differs
      model.dispose();
      vit.dispose();
    });
  }
});

describe('analytic gradient inversion of the patch embedding', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterAll(() => undefined);

  for (const tokenMlpDim of [32, 0]) {
    it(`recovers the input of a single-image update (token MLP ${tokenMlpDim})`, () => {
      const cfg = tinyVitConfig({ tokenMlpDim });
      const vit = pixelVit(cfg, tinyVitWeights(cfg));
      const before = tf.memory().numTensors;
      for (const seed of [1, 2]) {
        const image = syntheticScan(20, seed);
        const leak = recoverFromUpdate(vit, singleImageUpdate(vit, image, seed % 3));
        expect(maxByteDiff(leak.image.data, image.data)).toBeLessThanOrEqual(1);
        expect(leak.biasResidual).toBeLessThan(1e-3);
        expect(leakageMetrics(image, leak.image).ssim).toBeGreaterThan(0.99);
      }
      expect(tf.memory().numTensors).toBe(before);
      vit.dispose();
    });
  }

  it('is not the mean of the patches: a wrong update gives a wrong image', () => {
    const cfg = tinyVitConfig();
    const vit = pixelVit(cfg, tinyVitWeights(cfg));
    const a = syntheticScan(20, 1);
    const b = syntheticScan(20, 2);
    const update = singleImageUpdate(vit, a, 0);
    update['patch.w'] = singleImageUpdate(vit, b, 0)['patch.w']; // patch gradients of another image
    const leak = recoverFromUpdate(vit, update);
    expect(maxByteDiff(leak.image.data, a.data)).toBeGreaterThan(10);
    vit.dispose();
  });

  it('says when GELU branches defeat it: pre-activations far below the minimum leave a bias residual', () => {
    const cfg = tinyVitConfig();
    const host = tinyVitWeights(cfg);
    host['token.w1'] = { ...host['token.w1'], data: host['token.w1'].data.map((v) => v * 10) };
    const vit = pixelVit(cfg, host);
    const leak = recoverFromUpdate(vit, singleImageUpdate(vit, syntheticScan(20, 1), 1));
    expect(leak.biasResidual).toBeGreaterThan(1e-2);
    vit.dispose();
  });

  it('refuses a model with a stem before the token MLP', () => {
    const cfg = tinyVitConfig({ embedDim: 16, stemMlpDim: 0 });
    const vit = pixelVit(cfg, tinyVitWeights(cfg));
    expect(() => recoverFromUpdate(vit, singleImageUpdate(vit, syntheticScan(20, 1), 0))).toThrow(/stem/);
    vit.dispose();
  });
});
