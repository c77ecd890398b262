/**
 * The training loop end to end on a tiny synthetic task (the real runs take
 * hours): it learns, records the view ensemble's validation score every epoch
 * with --joint-views and picks epoch + views together, reproduces itself from
 * the seed, a resumed finished run releases without training again and a run
 * resumed with more epochs extends its schedule (recorded); a
 * relative-bias ViT distils from a CNN teacher (hard labels or soft probabilities)
 * and a hybrid ViT starts from the CNN's per-token stem; a deeper ViT grown from
 * a trained one starts with its logits; a run keeping a moving average of its
 * weights validates and releases the average and resumes it; a poisoned run
 * changes its training images, the same way on every run of its seed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageSet } from '../evaluation/batchPredict';
import { ModelRandom } from '../../lib/models/init';
import { createModel } from '../../lib/models/model';
import { initRelativeBias } from '../../lib/models/relativeBias';
import { train, type TrainOptions } from './trainer';
import { loadCheckpoint } from './checkpoint';
import { planForKey } from '../../lib/cipher/bpe/plan';
import { generateKey } from '../../lib/keys/key';

const S = 50;

/** Two classes a mirror cannot confuse: the bright band is at the top or at the bottom. */
function syntheticSet(n: number): ImageSet {
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

describe('train', () => {
  let dir: string;
  const set = syntheticSet(128);
  const options = (checkpointDir: string, resume = false): TrainOptions => ({
    run: 'test',
    architecture: 'cnn',
    epochs: 4,
    batch: 16,
    seed: 3,
    lr: 3e-3,
    weightDecay: 0.01,
    warmupEpochs: 0.5,
    labelSmoothing: 0.1,
    valFraction: 0.25,
    augmentation: 'mri',
    checkpointDir,
    resume,
    distillWeight: 0,
    variants: 6,
    jointViewSelection: true,
    configOverrides: { imageSize: S, width: 16, depth: 1, embedDim: 16, stemMlpDim: 0, exactEmbedding: true },
  });
  beforeAll(async () => {
    await tf.setBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'cipherscan-train-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('learns, scores views every epoch, chooses epoch and views together, reproduces, resumes', async () => {
    const quiet = () => {};
    const tensorsAtStart = tf.memory().numTensors;
    const first = await train(set, options(join(dir, 'a')), quiet);
    expect(tf.memory().numTensors).toBe(tensorsAtStart); // a run leaves no tensors behind
    expect(first.state.history).toHaveLength(4);
    expect(first.state.history.every((h) => h.valEnsemble !== undefined)).toBe(true);
    expect(first.state.bestValAccuracy).toBeGreaterThanOrEqual(0.85);
    const views = first.state.bestViews!;
    expect(views.candidate).toBe('mirror');
    const atBest = first.state.history[first.state.bestEpoch - 1];
    expect(views.single.accuracy).toBe(atBest.valAccuracy);
    expect(views.ensemble).toEqual(atBest.valEnsemble);
    expect(first.viewSelection?.chosen ?? null).toBe(views.chosen);
    expect(first.config.viewEnsemble).toBe(views.chosen ?? undefined);

    // same seed, same data: the same run
    const second = await train(set, options(join(dir, 'b')), quiet);
    expect(second.state.history.map((h) => h.trainLoss)).toEqual(first.state.history.map((h) => h.trainLoss));

    // a finished run resumed: no more epochs, the same best weights released
    const resumed = await train(set, options(join(dir, 'a'), true), quiet);
    expect(resumed.state.history).toHaveLength(4);
    expect(Array.from(resumed.best['head.w'].data)).toEqual(Array.from(first.best['head.w'].data));

    // resumed with more epochs: the schedule is extended (recorded) and the learning rate rises again
    const tensorsBefore = tf.memory().numTensors;
    const extended = await train(set, { ...options(join(dir, 'a'), true), epochs: 6 }, quiet);
    // a resume leaves no tensors behind (the optimizer state read from the checkpoint included)
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(extended.state.history).toHaveLength(6);
    expect(extended.state.scheduleExtensions).toEqual([
      { afterEpoch: 4, fromEpochs: 4, toEpochs: 6, lr: expect.any(Number) },
    ]);
    expect(extended.state.scheduleExtensions![0].lr).toBeGreaterThan(0);
    expect(extended.state.history[4].lr).toBeGreaterThan(extended.state.history[3].lr);
    expect(extended.state.bestValAccuracy).toBeGreaterThanOrEqual(first.state.bestValAccuracy);
  }, 120_000);

  it('poisons the chosen share of training images in the encrypted domain, reproducibly for one seed and plan', async () => {
    const plan = await planForKey(await generateKey(), { imageSize: S, blockSize: 25 });
    const lines: string[] = [];
    const poisoned = (name: string) =>
      train(set, { ...options(join(dir, name)), epochs: 1, poison: { kind: 'bit-flip', fraction: 0.5, plan } }, (l) =>
        lines.push(l),
      );
    const clean = await train(set, { ...options(join(dir, 'clean1')), epochs: 1 }, () => {});
    const first = await poisoned('p1');
    expect(lines).toContain('poisoned 48 of 96 training images (bit-flip in the encrypted domain)');
    // the images changed: the same seed trains differently (the test fails if the poisoned pixels are dropped)
    expect(first.state.history[0].trainLoss).not.toBe(clean.state.history[0].trainLoss);
    // and the same images changed the same way: a rerun (or a resume) sees the same data
    const second = await poisoned('p2');
    expect(second.state.history[0].trainLoss).toBe(first.state.history[0].trainLoss);
  }, 60_000);

  it('with a weight average: validates and releases the average, checkpoints it, resumes from it', async () => {
    const quiet = () => {};
    const averaged = await train(set, { ...options(join(dir, 'avg')), weightAverage: 0.9 }, quiet);
    expect(averaged.state.bestValAccuracy).toBeGreaterThanOrEqual(0.85);
    const saved = (await loadCheckpoint(join(dir, 'avg')))!;
    const [raw, average] = [saved.parts.weights['head.w'].data, saved.parts.average!['head.w'].data];
    // the average lags the raw weights: they differ, and the release is the average (when the best epoch is the last)
    expect(Array.from(average)).not.toEqual(Array.from(raw));
    if (averaged.state.bestEpoch === 4) expect(Array.from(averaged.best['head.w'].data)).toEqual(Array.from(average));
    // the same seed without the average trains the same raw weights: the average only changes what is scored and kept
    await train(set, options(join(dir, 'avg-ref')), quiet);
    expect(Array.from(raw)).toEqual(
      Array.from((await loadCheckpoint(join(dir, 'avg-ref')))!.parts.weights['head.w'].data),
    );
    // resumed with more epochs, the average carries on from the saved one (it is not restarted at the raw weights)
    const logs: string[] = [];
    const more = await train(set, { ...options(join(dir, 'avg'), true), epochs: 5, weightAverage: 0.9 }, (l) =>
      logs.push(l),
    );
    expect(more.state.history).toHaveLength(5);
    expect(logs.some((l) => /holds no weight average/.test(l))).toBe(false);
  }, 120_000);

  it('a relative-bias ViT trains from a CNN teacher, with hard labels or soft probabilities; a hybrid ViT starts from its stem', async () => {
    const quiet = () => {};
    const cnn = await train(set, { ...options(join(dir, 'teacher')), jointViewSelection: false }, quiet);
    const teacher = createModel(cnn.config, cnn.best);
    const student = (name: string, distillTemperature: number): TrainOptions => ({
      ...options(join(dir, name)),
      architecture: 'vit',
      jointViewSelection: false,
      distillWeight: 0.5,
      distillTemperature,
      // the same seed, split and embedding width as the teacher: the block features are shared
      configOverrides: {
        imageSize: S,
        width: 16,
        depth: 2,
        heads: 2,
        mlpDim: 16,
        tokenMlpDim: 0,
        embedDim: 16,
        stemMlpDim: 0,
        exactEmbedding: true,
        relativeBias: true,
      },
    });
    const hard = await train(set, student('hard', 0), quiet, teacher);
    const soft = await train(set, student('soft', 2), quiet, teacher);
    teacher.dispose();
    for (const run of [hard, soft]) {
      const losses = run.state.history.map((h) => h.trainLoss);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
      // gradients reach the first block's table (the last block's patch rows never reach the class token)
      const init = initRelativeBias(2, 2).data;
      const trained = run.best['block0.attn.rel'].data;
      expect(Math.max(...Array.from(trained, (v, i) => Math.abs(v - init[i])))).toBeGreaterThan(1e-4);
    }
    // the temperature changes the targets, hence the losses
    expect(soft.state.history.map((h) => h.trainLoss)).not.toEqual(hard.state.history.map((h) => h.trainLoss));

    // a hybrid ViT starts from the CNN's stem (lr 0 keeps every weight where it started)
    const stemFrom = { weights: cnn.best, label: 'the test CNN' };
    const hybrid = await train(set, { ...student('hybrid', 0), epochs: 1, lr: 0, distillWeight: 0, stemFrom }, quiet);
    for (const name of ['stem.in.ln.g', 'stem.proj.w', 'stem.proj.b'])
      expect(Array.from(hybrid.best[name].data)).toEqual(Array.from(cnn.best[name].data));
    const fresh = await train(set, { ...student('fresh', 0), epochs: 1, lr: 0, distillWeight: 0 }, quiet);
    expect(Array.from(fresh.best['stem.proj.w'].data)).not.toEqual(Array.from(cnn.best['stem.proj.w'].data));
    // another seed draws another split, hence another patch embedding: the CNN's stem would see other features
    await expect(train(set, { ...student('other', 0), seed: 4, stemFrom }, quiet)).rejects.toThrow(
      /another patch embedding/,
    );

    // a deeper ViT grown from a trained one starts as it: same logits (lr 0 keeps the start)
    const deeper = (name: string, depth: number): TrainOptions => ({
      ...student(name, 0),
      epochs: 1,
      lr: 0,
      distillWeight: 0,
      configOverrides: { ...student(name, 0).configOverrides, depth },
    });
    const grown = await train(
      set,
      { ...deeper('grown', 3), growFrom: { weights: hard.best, label: 'the test ViT' } },
      quiet,
    );
    const images = tf.tensor4d(set.pixels.subarray(0, 8 * S * S * 3), [8, S, S, 3], 'float32');
    const [source, fromGrown] = [createModel(hard.config, hard.best), createModel(grown.config, grown.best)];
    expect(Array.from(fromGrown.logits(images).dataSync())).toEqual(Array.from(source.logits(images).dataSync()));
    expect(Array.from(grown.best['block2.mlp.w1'].data).some((v) => v !== 0)).toBe(true);
    expect(grown.state.options.growFrom).toEqual({ label: 'the test ViT', addedBlocks: 1 });
    tf.dispose(images);
    source.dispose();
    fromGrown.dispose();
    await expect(
      train(
        set,
        {
          ...deeper('wider', 3),
          configOverrides: { ...deeper('wider', 3).configOverrides, width: 24 },
          growFrom: { weights: hard.best, label: 'x' },
        },
        quiet,
      ),
    ).rejects.toThrow(/use the same width/);
  }, 120_000);
});
