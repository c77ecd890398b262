/**
 * `cipherscan eval`'s trust figures (issue 18) on a small fixture model: the
 * accuracy's Wilson interval, the share answered above the model's confidence
 * threshold (and the answers' accuracy), and the share its out-of-domain guard
 * accepts — each checked against a count made here, and each absent when the
 * model ships no threshold or guard.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../../lib/models/model';
import { ModelRandom } from '../../lib/models/init';
import { fixtureConfig, fixtureWeights, FIXTURE_CLASSES } from '../../testing/fixtureModel';
import { predictSet, type ImageSet } from './batchPredict';
import { atThreshold } from './selective';
import { evaluateModel } from './suite';
import { identityDomainGuard } from '../../testing/domainGuardFixture';

function randomSet(n: number): ImageSet {
  const rng = new ModelRandom(3);
  return {
    classes: FIXTURE_CLASSES,
    labels: Uint8Array.from({ length: n }, (_, i) => i % FIXTURE_CLASSES.length),
    files: Array.from({ length: n }, (_, i) => `img${i}.png`),
    size: 200,
    pixels: Uint8Array.from({ length: n * 200 * 200 * 3 }, () => rng.next() * 256),
  };
}

describe('evaluateModel trust figures', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it('reports the Wilson interval, the selective figures and the guard acceptance from real counts', async () => {
    const config = fixtureConfig('cnn', { depth: 1 });
    const set = randomSet(12);
    const bare = createModel(config, fixtureWeights(config, 5));
    const probs = (await predictSet(bare, set)).probabilities;
    const confidences = probs.map((p) => Math.max(...p)).sort((a, b) => a - b);
    const minConfidence = confidences[6]; // about half answered
    const model = createModel(config, fixtureWeights(config, 5), 1, minConfidence);
    const width = 2 * config.width;

    const none = await evaluateModel(bare, set, { modelName: 'm', dataLabel: 'd' });
    expect(none.plain.selective).toBeUndefined();
    expect(none.domainGuard).toBeUndefined();
    const k = Math.round(none.plain.accuracy * 12);
    expect(none.plain.accuracyInterval).toMatchObject({ k, n: 12 });
    expect(none.plain.accuracyInterval.low).toBeLessThanOrEqual(none.plain.accuracy);
    expect(none.plain.accuracyInterval.high).toBeGreaterThanOrEqual(none.plain.accuracy);

    const all = await evaluateModel(model, set, {
      modelName: 'm',
      dataLabel: 'd',
      domainGuard: identityDomainGuard(width, FIXTURE_CLASSES, 1e12),
    });
    const expected = atThreshold(probs, set.labels, minConfidence);
    expect(all.plain.selective?.coverage).toMatchObject({ k: expected.answered, n: 12 });
    expect(all.plain.selective?.accuracy).toMatchObject({ k: expected.correct, n: expected.answered });
    expect(expected.answered).toBeGreaterThan(0);
    expect(expected.answered).toBeLessThan(12);
    expect(all.domainGuard?.accepted).toMatchObject({ k: 12, n: 12 });

    const refused = await evaluateModel(model, set, {
      modelName: 'm',
      dataLabel: 'd',
      domainGuard: identityDomainGuard(width, FIXTURE_CLASSES, 0),
    });
    expect(refused.domainGuard?.accepted).toMatchObject({ k: 0, n: 12 });
    bare.dispose();
    model.dispose();
  }, 60_000);
});
