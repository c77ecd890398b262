/**
 * A model's calibration (model.json `calibration.temperature`): parseManifest
 * accepts it and refuses a bad one; probabilities become softmax(logits / T)
 * while logits stay as they were, for the plain and the key-adapted model alike.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptImage } from '../cipher/bpe/bpe';
import { planForKey } from '../cipher/bpe/plan';
import { bpeProtectedInput } from '../cipher/bpe/protection';
import type { RgbImage } from '../image/rgb';
import { generateKey } from '../keys/key';
import { ModelRandom } from './init';
import { adaptModel, load } from './model';
import { MANIFEST_FILE, parseManifest, type ModelManifest } from './weightsFile';
import { fixtureModelFiles } from '../../testing/fixtureModel';

function image(seed: number): RgbImage {
  const rng = new ModelRandom(seed);
  return { width: 200, height: 200, data: Uint8Array.from({ length: 200 * 200 * 3 }, () => rng.next() * 256) };
}

async function loadWith(manifest: ModelManifest, weights: Uint8Array) {
  const text = new TextEncoder().encode(JSON.stringify(manifest));
  return load({ loader: async (f) => (f === MANIFEST_FILE ? text : weights) });
}

describe('model temperature', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it('parseManifest accepts a calibration and refuses a temperature that is not > 0', () => {
    const { manifest } = fixtureModelFiles('cnn', 7, { depth: 1 });
    const ok = { ...manifest, calibration: { temperature: 1.5, fittedOn: 'validation', n: 10 } };
    expect(parseManifest(JSON.stringify(ok)).calibration?.temperature).toBe(1.5);
    for (const temperature of [0, -1, 'x', null])
      expect(() => parseManifest(JSON.stringify({ ...manifest, calibration: { temperature } }))).toThrow(/temperature/);
  });

  it('divides the logits by T before the softmax; logits and the adapted model unchanged', async () => {
    const { manifest, weights } = fixtureModelFiles('cnn', 7, { depth: 1 });
    const plain = await loadWith(manifest, weights);
    const T = 2.5;
    const calibrated = await loadWith(
      { ...manifest, calibration: { temperature: T, fittedOn: 'test', n: 1 } },
      weights,
    );
    expect(plain.temperature).toBe(1);
    expect(calibrated.temperature).toBe(T);
    const img = image(3);
    const [a] = await plain.predict(img);
    const [b] = await calibrated.predict(img);
    expect(b.logits).toEqual(a.logits);
    expect(b.classIndex).toBe(a.classIndex);
    const m = Math.max(...a.logits);
    const e = a.logits.map((l) => Math.exp((l - m) / T));
    const z = e.reduce((s, v) => s + v, 0);
    b.probabilities.forEach((p, i) => expect(p).toBeCloseTo(e[i] / z, 5));

    const plan = await planForKey(await generateKey());
    const adapted = adaptModel(calibrated, bpeProtectedInput(plan));
    expect(adapted.temperature).toBe(T);
    const [c] = await adapted.predict(encryptImage(plan, img));
    c.logits.forEach((l, i) => expect(Math.abs(l - b.logits[i])).toBeLessThan(1e-4));
    c.probabilities.forEach((p, i) => expect(Math.abs(p - b.probabilities[i])).toBeLessThan(1e-4));
    adapted.dispose();
    plain.dispose();
    calibrated.dispose();
  });
});
