/** The benchmark's model timing runs every row it reports, checks the adapted logits, and leaves no tensors behind. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { planForKey } from '../../src/lib/cipher/bpe/plan';
import { toModelInput } from '../../src/lib/image/resize';
import { generateKey } from '../../src/lib/keys/key';
import { brainPhantom } from '../../src/lib/samples/phantom';
import { fixtureModelFiles } from '../../src/testing/fixtureModel';
import { benchModel, pairedRatios, quantile, timeInterleaved } from './inferenceBench';

describe('benchModel', () => {
  it('times plain, adapted, encrypt + adapted and batches; adapted logits match; no leaks', async () => {
    await tf.setBackend('wasm');
    const f = fixtureModelFiles('vit', 3, { depth: 1 });
    const images = [1, 2, 3].map((seed) => toModelInput(brainPhantom({ seed }), 200));
    const plan = await planForKey(await generateKey());
    const before = tf.memory().numTensors;
    const r = await benchModel(
      'vit-test',
      { manifest: f.manifest, weights: f.weights },
      f.weights.length,
      images,
      plan,
      { minMs: 0, minRuns: 2, maxRuns: 2, batch: 3 },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(r.rows.map((x) => x.variant)).toEqual([
      'plain model, original, 1 image',
      'adapted model, encrypted, 1 image',
      'encrypt (CPU) + adapted model, 1 image',
      'plain model, original, batch 3',
      'adapted model, encrypted, batch 3',
    ]);
    for (const row of r.rows) {
      expect(row.timing.runs).toBeGreaterThanOrEqual(1);
      expect(row.timing.medianMs).toBeGreaterThan(0);
      if (row.variant.startsWith('adapted') || row.variant.startsWith('encrypt'))
        expect(row.maxAbsLogitDiff!).toBeLessThan(1e-4);
    }
    expect(r.privacyCost.CPU).toBeGreaterThan(0);
    expect(r.adapt.medianMs).toBeLessThan(100);
    expect(r.parameters).toBeGreaterThan(10_000);
  }, 120_000);

  it('interleaves variants round by round, rotating the order', async () => {
    const order: string[] = [];
    const mk = (name: string) => ({ variant: name, images: 1, work: async () => void order.push(name) });
    const t = await timeInterleaved([mk('a'), mk('b')], { minMs: 0, minRuns: 3, maxRuns: 3 });
    expect(order).toEqual(['a', 'b', 'a', 'b', 'b', 'a', 'a', 'b']); // warm-up, then 3 rounds, each starting one later
    expect(t.map((x) => x.runs)).toEqual([3, 3]);
    expect(t[0].samplesMs).toHaveLength(3);
  });

  it('pairs the ratios round by round: a slow round slows both sides and cancels', () => {
    // round 2 ran under load (both variants 3x slower); the true ratio is 1.1 in every round
    const plain = { runs: 3, medianMs: 10, bestMs: 10, samplesMs: [10, 30, 10] };
    const priv = { runs: 3, medianMs: 11, bestMs: 11, samplesMs: [11, 33, 11] };
    expect(pairedRatios(priv, plain).map((r) => +r.toFixed(6))).toEqual([1.1, 1.1, 1.1]);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
  });
});
