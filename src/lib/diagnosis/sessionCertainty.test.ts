/**
 * The model's confidence threshold (model.json `calibration.minConfidence`,
 * issue 18) travels from the manifest through load and adaptation into the
 * session, which gives the plain and the encrypted side the same verdict;
 * parseManifest refuses a threshold outside [0, 1].
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../image/rgb';
import { generateKey } from '../keys/key';
import { ModelRandom } from '../models/init';
import { parseManifest } from '../models/weightsFile';
import { fixtureModelFiles } from '../../testing/fixtureModel';
import { DiagnosisSession } from './session';

function image(seed: number): RgbImage {
  const rng = new ModelRandom(seed);
  return { width: 200, height: 200, data: Uint8Array.from({ length: 200 * 200 * 3 }, () => rng.next() * 256) };
}

describe('confidence threshold in the session', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it('parseManifest refuses a threshold outside [0, 1]', () => {
    const { manifest } = fixtureModelFiles('cnn', 7, { depth: 1 });
    const calibration = { temperature: 1, fittedOn: 'validation', n: 10 };
    expect(
      parseManifest(JSON.stringify({ ...manifest, calibration: { ...calibration, minConfidence: 0.9 } })).calibration
        ?.minConfidence,
    ).toBe(0.9);
    for (const minConfidence of [-0.1, 1.5, 'x'])
      expect(() =>
        parseManifest(JSON.stringify({ ...manifest, calibration: { ...calibration, minConfidence } })),
      ).toThrow(/minConfidence/);
  });

  it('flags both sides uncertain below the threshold, neither above, none without one', async () => {
    const { manifest, weights } = fixtureModelFiles('cnn', 7, { depth: 1 });
    const img = image(5);
    const key = await generateKey();
    const verdicts: (boolean | undefined)[][] = [];
    for (const minConfidence of [1, 0, undefined]) {
      const session = new DiagnosisSession();
      const calibration = {
        temperature: 1,
        fittedOn: 'test',
        n: 1,
        ...(minConfidence !== undefined ? { minConfidence } : {}),
      };
      await session.loadModel('m', { manifest: { ...manifest, calibration }, weights });
      const r = await session.diagnose('m', img, key);
      verdicts.push([r.plain.certainty?.uncertain, r.encrypted.certainty?.uncertain]);
      if (minConfidence !== undefined) expect(r.encrypted.certainty?.minConfidence).toBe(minConfidence);
      session.dispose();
    }
    expect(verdicts).toEqual([
      [true, true],
      [false, false],
      [undefined, undefined],
    ]);
  });
});
