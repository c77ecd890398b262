/**
 * Validation during training: block-feature banks of the validation images
 * (each test-time view of them too, for joint view selection), the model's
 * logits on them, their scores, and the choice of the test-time view ensemble.
 * Validation only: it never reads the test split (release.ts scores that), and
 * every tensor it creates is disposed before it returns.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../lib/models/config';
import type { HostTensor, HostWeights } from '../../lib/models/init';
import { createModel } from '../../lib/models/model';
import { viewImage, viewNames, type ViewEnsemble } from '../../lib/models/views';
import { argmax } from '../evaluation/metrics';
import { predictSet, type ImageSet } from '../evaluation/batchPredict';
import type { AugmentationKind } from './augment';
import { buildFeatureBank, embeddedBatch, type FeatureBank } from './blockFeatures';
import type { ValScore } from './checkpoint';
import type { ViewSelection } from './options';
import type { TrainingModel } from './trainingModel';

/**
 * Banks of the validation images, un-augmented: the images themselves, then (joint
 * view selection) each further view of them.
 */
export async function validationBanks(
  set: ImageSet,
  valIdx: number[],
  config: ModelConfig,
  embedding: HostTensor,
  bias: HostTensor,
  jointViews: ViewEnsemble | undefined,
  log: (line: string) => void,
): Promise<FeatureBank[]> {
  const centre = config.inputCentre ?? 0;
  const valBanks = [];
  for (const view of viewNames(jointViews)) {
    const pixels = view === 'identity' ? set.pixels : viewedPixels(set.pixels, valIdx, set.size, view);
    const ids = view === 'identity' ? valIdx : valIdx.map((_, k) => k);
    valBanks.push(
      await buildFeatureBank(pixels, ids, set.size, config.patchSize, centre, embedding, bias, 'none', 1, log),
    );
  }
  return valBanks;
}

/** Logits of the evaluated weights (the average where one is kept) on every image of a bank, 64 at a time. */
export function validationLogits(model: TrainingModel, valBank: FeatureBank, images: number): number[][] {
  const { tokens: T, width: D } = valBank;
  const out: number[][] = [];
  for (let v0 = 0; v0 < images; v0 += 64) {
    const rows = Array.from({ length: Math.min(64, images - v0) }, (_, k) => v0 + k);
    const l = tf.tidy(() =>
      model.trunk(model.evaluated, tf.tensor3d(embeddedBatch(valBank, rows, undefined, 'none'), [rows.length, T, D])),
    );
    out.push(...(l.arraySync() as number[][]));
    l.dispose();
  }
  return out;
}

/**
 * One view's score, and (jointViews) the test-time view ensemble's: the mean
 * logits over the views, the first bank being the images themselves.
 */
export function validate(
  model: TrainingModel,
  valBanks: FeatureBank[],
  valLabels: number[],
  jointViews: ViewEnsemble | undefined,
): { single: ValScore; ensemble?: ValScore } {
  const viewLogits = valBanks.map((bank) => validationLogits(model, bank, valLabels.length));
  const single = scoreLogits(viewLogits[0], valLabels);
  const ensemble = jointViews ? scoreLogits(meanLogits(viewLogits), valLabels) : undefined;
  return { single, ensemble };
}

/**
 * Test-time view ensemble (views.ts) or not: full-image predictions of the best
 * weights on the validation images, one view vs the modality's views (MRI:
 * left-right mirror; histology: mirrors and half turn). Kept only if it is
 * better on validation (accuracy, then log-loss): it multiplies inference cost.
 */
export async function chooseViews(
  config: ModelConfig,
  best: HostWeights,
  set: ImageSet,
  valIdx: number[],
  kind: AugmentationKind,
  log: (line: string) => void,
): Promise<ViewSelection | undefined> {
  const candidate = candidateViews(kind);
  if (!candidate || valIdx.length === 0) return undefined;
  const score = async (cfg: ModelConfig) => {
    const model = createModel(cfg, best);
    const { logits } = await predictSet(model, set, valIdx);
    model.dispose();
    return scoreLogits(
      logits,
      valIdx.map((i) => set.labels[i]),
    );
  };
  const single = await score({ ...config, viewEnsemble: undefined });
  const ensemble = await score({ ...config, viewEnsemble: candidate });
  const better = ensembleIsBetter(ensemble, single);
  log(
    `view ensemble "${candidate}" on validation: ${(ensemble.accuracy * 100).toFixed(2)} % (log-loss ${ensemble.logLoss.toFixed(4)}) vs one view ${(single.accuracy * 100).toFixed(2)} % (${single.logLoss.toFixed(4)}): ${better ? 'kept' : 'not kept'}`,
  );
  return { candidate, single, ensemble, chosen: better ? candidate : null };
}

/** The modality's test-time views (MRI: left-right mirror; histology: mirrors and half turn). */
export function candidateViews(kind: AugmentationKind): ViewEnsemble | undefined {
  return kind === 'mri' ? 'mirror' : kind === 'histology' ? 'dihedral4' : undefined;
}

/** Views cost inference time: kept only when better on validation (accuracy, then log-loss). */
export function ensembleIsBetter(ensemble: ValScore, single: ValScore): boolean {
  return (
    ensemble.accuracy > single.accuracy || (ensemble.accuracy === single.accuracy && ensemble.logLoss < single.logLoss)
  );
}

/** The images ids, each seen through `view`, laid end to end. */
export function viewedPixels(pixels: Uint8Array, ids: number[], size: number, view: string): Uint8Array {
  const per = size * size * 3;
  const out = new Uint8Array(ids.length * per);
  ids.forEach((id, k) => out.set(viewImage(pixels.subarray(id * per, (id + 1) * per), size, view), k * per));
  return out;
}

/** The view ensemble's logits: the mean over views (as model.ts averages its branches). */
export function meanLogits(perView: number[][][]): number[][] {
  return perView[0].map((row, i) => row.map((_, c) => perView.reduce((sum, v) => sum + v[i][c], 0) / perView.length));
}

export function scoreLogits(logits: number[][], labels: number[]): ValScore {
  let correct = 0;
  let loss = 0;
  logits.forEach((row, k) => {
    const m = Math.max(...row);
    const logZ = m + Math.log(row.reduce((sum, v) => sum + Math.exp(v - m), 0));
    if (argmax(row) === labels[k]) correct++;
    loss -= Math.max(row[labels[k]] - logZ, Math.log(1e-12));
  });
  return { accuracy: correct / Math.max(1, labels.length), logLoss: loss / Math.max(1, labels.length) };
}
