/**
 * The side-by-side diagnosis: the adapted model on the encrypted image must give
 * the plain model's logits on the original; a replaced key must drop the old
 * adapted model; nothing may leak tensors across calls or after dispose.
 * Uses fixture models (random weights, real architecture and file format).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { brainPhantom } from '../samples/phantom';
import { toModelInput } from '../image/resize';
import { generateKey } from '../keys/key';
import { load } from '../models/model';
import { fixtureModelFiles } from '../../testing/fixtureModel';
import { DiagnosisSession } from './session';

const vit = fixtureModelFiles('vit', 11, { depth: 2 });
const cnn = fixtureModelFiles('cnn', 12, { depth: 2 });
const images = [brainPhantom({ seed: 3, lesion: 0.2 }), brainPhantom({ seed: 9, lesion: 0 })].map((im) =>
  toModelInput(im, 200),
);

describe('DiagnosisSession', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it('plain on the original and adapted on the encrypted agree, logits to float rounding, for both models', async () => {
    const session = new DiagnosisSession();
    for (const [name, files] of [
      ['vit-test', vit],
      ['cnn-test', cnn],
    ] as const) {
      const progress: number[] = [];
      const info = await session.loadModel(name, { manifest: files.manifest, weights: files.weights }, (f) =>
        progress.push(f),
      );
      expect(info.classes).toEqual(files.manifest.config.classes);
      expect(info.parameters).toBeGreaterThan(10_000);
      expect(progress.at(-1)).toBe(1);
      const key = await generateKey();
      const results = [];
      for (const im of images) results.push(await session.diagnose(name, im, key));
      const [first, second] = results;
      expect(first.encrypted.adaptedNow).toBe(true);
      expect(second.encrypted.adaptedNow).toBe(false);
      expect(first.encrypted.adaptMs).toBeLessThan(100);
      for (const r of results) {
        expect(r.maxAbsLogitDiff).toBeLessThan(1e-4);
        expect(r.agree).toBe(true);
        expect(r.plain.prediction.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(r.encrypted.inputPath).toBe('cpu');
        expect(r.backend).toBe('wasm');
      }
      // the two images give different outputs: the comparison is not between constants
      expect(
        Math.max(...first.plain.prediction.logits.map((v, i) => Math.abs(v - second.plain.prediction.logits[i]))),
      ).toBeGreaterThan(1e-3);
    }
    session.dispose();
  }, 120_000);

  it('plainFeatures: the class token and the plain answer of the same pass, no tensors left', async () => {
    const session = new DiagnosisSession();
    await session.loadModel('vit-test', { manifest: vit.manifest, weights: vit.weights });
    const before = tf.memory().numTensors;
    const [a, b] = [
      await session.plainFeatures('vit-test', images[0]),
      await session.plainFeatures('vit-test', images[1]),
    ];
    expect(tf.memory().numTensors).toBe(before);
    expect(a.features.length).toBe(vit.manifest.config.width);
    expect(a.prediction.logits).toEqual((await session.predictPlain('vit-test', images[0])).prediction.logits);
    // the one pass gives what the two separate calls give
    const model = await load({ manifest: vit.manifest, weights: vit.weights });
    expect(a.features).toEqual((await model.classTokenFeatures([images[0]]))[0]);
    const both = await model.predictWithFeatures(images.slice(0, 2));
    expect(both.features).toEqual(await model.classTokenFeatures(images.slice(0, 2)));
    expect(both.predictions).toEqual(await model.predict(images.slice(0, 2)));
    model.dispose();
    expect(Math.max(...a.features.map((v, i) => Math.abs(v - b.features[i])))).toBeGreaterThan(1e-3);
    session.dispose();
  }, 60_000);

  it('a new key gets a new adapted model; the unadapted model on encrypted pixels is a different function', async () => {
    const session = new DiagnosisSession();
    await session.loadModel('vit', { manifest: vit.manifest, weights: vit.weights });
    const a = await session.diagnose('vit', images[0], await generateKey());
    const b = await session.diagnose('vit', images[0], await generateKey());
    expect(b.encrypted.adaptedNow).toBe(true);
    expect(a.plain.prediction.logits).toEqual(b.plain.prediction.logits);
    expect(b.maxAbsLogitDiff).toBeLessThan(1e-4);
    // a session whose "encryption" is the identity feeds plain pixels to the adapted model: the logits must move
    const wrong = new DiagnosisSession(async (_plan, plain) => ({ input: plain, path: 'cpu' }));
    await wrong.loadModel('vit', { manifest: vit.manifest, weights: vit.weights });
    const w = await wrong.diagnose('vit', images[0], await generateKey());
    expect(w.maxAbsLogitDiff).toBeGreaterThan(1e-2);
    wrong.dispose();
    session.dispose();
  }, 120_000);

  it('leaks no tensors across diagnoses, key changes and dispose', async () => {
    const start = tf.memory().numTensors;
    const session = new DiagnosisSession();
    await session.loadModel('cnn', { manifest: cnn.manifest, weights: cnn.weights });
    const key = await generateKey();
    await session.diagnose('cnn', images[0], key);
    const loaded = tf.memory().numTensors;
    expect(loaded).toBeGreaterThan(start);
    for (let i = 0; i < 3; i++) await session.diagnose('cnn', images[i % 2], key);
    expect(tf.memory().numTensors).toBe(loaded);
    await session.diagnose('cnn', images[0], await generateKey()); // replaces the adapted model
    expect(tf.memory().numTensors).toBe(loaded);
    session.forgetKey();
    expect(tf.memory().numTensors).toBeLessThan(loaded);
    session.dispose();
    expect(tf.memory().numTensors).toBe(start);
  }, 120_000);
});
