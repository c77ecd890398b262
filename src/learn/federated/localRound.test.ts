/**
 * A federated round from the training pieces: two clients start from the same
 * weights, train on their own halves of a tiny synthetic set, and the server's
 * average is the mean of their weights, which a model then holds exactly; no
 * tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultCnnConfig, type CnnConfig } from '../../lib/models/config';
import { initCnn } from '../../lib/models/cnn';
import { effectiveEmbedding } from '../../lib/models/embedding';
import { ModelRandom } from '../../lib/models/init';
import { buildFeatureBank } from '../training/blockFeatures';
import type { LocalData } from '../training/data';
import { startingWeights } from '../training/startWeights';
import { createTrainingModel } from '../training/trainingModel';
import { averageWeights, localRound } from './localRound';

const S = 50;

function syntheticSet(n: number) {
  const rng = new ModelRandom(11);
  const pixels = new Uint8Array(n * S * S * 3);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    labels[k] = k % 2;
    for (let y = 0; y < S; y++) {
      const bright = labels[k] === 0 ? y < S / 2 : y >= S / 2;
      for (let i = 0; i < S * 3; i++) pixels[(k * S + y) * S * 3 + i] = (bright ? 150 : 60) + rng.int(80);
    }
  }
  return { classes: ['top', 'bottom'], labels, files: [], size: S, pixels };
}

describe('localRound', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it("two clients' averaged weights are the mean of their weights after one round", async () => {
    const tensorsAtStart = tf.memory().numTensors;
    const set = syntheticSet(64);
    const config = {
      ...defaultCnnConfig(set.classes),
      imageSize: S,
      width: 16,
      depth: 1,
      embedDim: 16,
      stemMlpDim: 0,
      exactEmbedding: true,
    } as CnnConfig;
    const ids = Array.from({ length: 64 }, (_, k) => k);
    const quiet = () => {};
    const { start, frozen } = startingWeights(
      config,
      { set, trainIdx: ids },
      initCnn(config, 3),
      false,
      { seed: 3 },
      quiet,
    );
    const embedding = effectiveEmbedding(frozen['patch.w'], frozen['patch.scale']);
    const clientData = async (part: number[]): Promise<LocalData> => ({
      bank: await buildFeatureBank(
        set.pixels,
        part,
        S,
        config.patchSize,
        config.inputCentre ?? 0,
        embedding,
        frozen['patch.b'],
        'mri',
        4,
        quiet,
      ),
      labels: part.map((i) => set.labels[i]),
      batch: 8,
      augmentation: 'mri',
      cutMix: 0,
    });
    const data = [await clientData(ids.slice(0, 32)), await clientData(ids.slice(32))];
    const clients = [0, 1].map((c) =>
      createTrainingModel(config, start, frozen, { run: `client${c}`, weightDecay: 0.01 }),
    );
    const server = createTrainingModel(config, start, frozen, { run: 'server', weightDecay: 0.01 });
    const global = server.getWeights();
    const opts = {
      round: 1,
      seed: 3,
      lrAt: () => 3e-3,
      targets: { classes: 2, labelSmoothing: 0.1, distillWeight: 0 },
    };
    // K local steps on one client, a whole local epoch (4 batches of 8) on the other
    const updates = [
      localRound(clients[0], data[0], global, { ...opts, steps: 2 }),
      localRound(clients[1], data[1], global, opts),
    ];
    expect(clients[0].optimizer.step).toBe(2);
    expect(clients[1].optimizer.step).toBe(4);
    expect(updates.map((u) => u.images)).toEqual([16, 32]);

    // equal weights for the mean: both clients count the same
    const averaged = averageWeights(updates.map((u) => ({ weights: u.weights, images: 1 })));
    const [a, b] = updates.map((u) => u.weights);
    for (const name of Object.keys(global)) {
      // the clients trained: they moved away from the global weights, each its own way
      expect(Array.from(a[name])).not.toEqual(Array.from(global[name]));
      expect(Array.from(a[name])).not.toEqual(Array.from(b[name]));
      const mean = Float32Array.from(a[name], (v, i) => (v + b[name][i]) / 2);
      expect(Array.from(averaged[name])).toEqual(Array.from(mean));
    }
    // weighted by images: client 1 trained on twice as many
    const weighted = averageWeights(updates);
    expect(weighted['head.w'][0]).toBeCloseTo((a['head.w'][0] + 2 * b['head.w'][0]) / 3, 6);

    // the server holds the average exactly
    server.setWeights(averaged);
    const held = server.getWeights();
    for (const name of Object.keys(averaged)) expect(Array.from(held[name])).toEqual(Array.from(averaged[name]));
    expect(() => server.setWeights({ 'head.w': new Float32Array(1) })).toThrow(/values for a weight/);

    [...clients, server].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
  }, 60_000);
});
