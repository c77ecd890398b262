/**
 * The data side of training: the train/validation split (with the smoke-test
 * limit and the poisoning study applied to it), the seeded draws of one epoch
 * (image order, augmentation, CutMix) and the batches cut from a feature bank.
 * A federated client holds its own LocalData and calls the same pieces.
 *
 * The random draws are part of the checkpoint contract (docs/ARCHITECTURE.md,
 * "Training"): each epoch's generators are seeded from (seed, epoch) alone, so a
 * resumed run draws what the uninterrupted run drew. Never draw from these
 * generators in another order, and never share one between epochs.
 */
import { ModelRandom } from '../../lib/models/init';
import type { ImageSet } from '../evaluation/batchPredict';
import { decryptImage, encryptImage } from '../../lib/cipher/bpe/bpe';
import { bitFlipAttack } from '../../lib/attacks/bitFlip';
import { gaussianNoiseAttack } from '../../lib/attacks/gaussianNoise';
import type { AugmentationKind } from './augment';
import { blockCutMix, embeddedBatch, type CutMix, type FeatureBank } from './blockFeatures';
import { stratifiedSplit } from './dataset';
import type { TrainOptions } from './options';
import { groupedStratifiedSplit } from './validationGroups';

export interface SplitData {
  /** the image set, with the poisoned images replaced where the run poisons */
  set: ImageSet;
  trainIdx: number[];
  valIdx: number[];
}

/**
 * The seeded split, cut to `limit` for smoke tests, then poisoned (training images only) where asked.
 * With `validationGroups` (train --groups, or read from the model card) validation takes whole
 * near-duplicate groups (validationGroups.ts); without, the per-image split every shipped model used.
 */
export function splitData(
  input: ImageSet,
  opts: Pick<TrainOptions, 'seed' | 'valFraction' | 'limit' | 'poison' | 'validationGroups'>,
  log: (line: string) => void,
): SplitData {
  let set = input;
  const splitRng = new ModelRandom(opts.seed);
  const groups = opts.validationGroups;
  let { train: trainIdx, val: valIdx } = groups
    ? groupedStratifiedSplit(set.labels, groups.groupOf, opts.valFraction, (g) => splitRng.shuffle(g))
    : stratifiedSplit(set.labels, opts.valFraction, (a) => splitRng.shuffle(a));
  if (groups)
    log(
      `validation by whole near-duplicate groups of ${groups.file}: ${valIdx.length} of ${set.labels.length} images (${groups.groups} groups in the pool)`,
    );
  if (opts.limit) {
    const pick = new ModelRandom(opts.seed + 1);
    pick.shuffle(trainIdx);
    trainIdx = trainIdx.slice(0, opts.limit);
    valIdx = valIdx.slice(0, Math.max(8, Math.round(opts.limit * opts.valFraction)));
  }
  if (opts.poison) {
    const { kind, fraction, plan } = opts.poison;
    const victims = trainIdx.slice();
    new ModelRandom(opts.seed + 77).shuffle(victims);
    const chosen = victims.slice(0, Math.round(fraction * trainIdx.length));
    const per = set.size * set.size * 3;
    const pixels = set.pixels.slice();
    for (const id of chosen) {
      const encrypted = encryptImage(plan, {
        width: set.size,
        height: set.size,
        data: pixels.slice(id * per, (id + 1) * per),
      });
      const attacked =
        kind === 'bit-flip'
          ? bitFlipAttack(encrypted, { bit: 7, fraction: 0.1, seed: id })
          : gaussianNoiseAttack(encrypted, { mu: 0, sigma: 20, fraction: 0.1, seed: id });
      pixels.set(decryptImage(plan, attacked).data, id * per);
    }
    set = { ...set, pixels };
    log(`poisoned ${chosen.length} of ${trainIdx.length} training images (${kind} in the encrypted domain)`);
  }
  return { set, trainIdx, valIdx };
}

/** What one trainer (the whole run, or one federated client) trains on. */
export interface LocalData {
  /** block features of the training images (blockFeatures.ts); bank row r is image r of `labels` */
  bank: FeatureBank;
  labels: ArrayLike<number>;
  batch: number;
  augmentation: AugmentationKind;
  /** probability of block-level CutMix per image (0 = off) */
  cutMix: number;
}

/** Full batches only: the last partial batch of an epoch is dropped, as it always was. */
export function stepsPerEpoch(data: Pick<LocalData, 'labels' | 'batch'>): number {
  return Math.floor(data.labels.length / data.batch);
}

/** One epoch's seeded draws: the order of the bank rows and the generators of augmentation and CutMix. */
export interface EpochDraws {
  order: number[];
  augRng: ModelRandom;
  mixRng: ModelRandom;
}

export function epochDraws(images: number, seed: number, epoch: number): EpochDraws {
  const order = Array.from({ length: images }, (_, k) => k);
  new ModelRandom(seed * 1009 + epoch).shuffle(order);
  const augRng = new ModelRandom(seed * 7919 + epoch);
  const mixRng = new ModelRandom(seed * 104729 + epoch);
  return { order, augRng, mixRng };
}

/** A batch ready for a step: embedded tokens [n, T, D] (augmented, CutMixed) and the labels behind them. */
export interface Batch {
  rows: number[];
  labels: number[];
  tokens: Float32Array;
  /** [images, tokens per image, token width] */
  shape: [number, number, number];
  mix: CutMix;
}

/** Batch `s` of an epoch: draws augmentation, then CutMix, in that order (the generators are shared across steps). */
export function drawBatch(data: LocalData, draws: EpochDraws, s: number): Batch {
  const { bank } = data;
  const rows = draws.order.slice(s * data.batch, (s + 1) * data.batch);
  const labels = rows.map((r) => data.labels[r]);
  const tokens = embeddedBatch(bank, rows, draws.augRng, data.augmentation);
  const mix = blockCutMix(
    tokens,
    rows.length,
    Math.round(Math.sqrt(bank.tokens)),
    bank.width,
    draws.mixRng,
    data.cutMix,
  );
  return { rows, labels, tokens, shape: [rows.length, bank.tokens, bank.width], mix };
}
