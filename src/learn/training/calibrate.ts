/**
 * Fits a shipped model's temperature on the validation split training chose
 * models with (splitData in training/data.ts: 10 % of Training, seed 1, the same
 * call the trainer makes) and measures ECE before and after on Testing, once.
 * Uses the model's own view ensemble (its logits), as `cipherscan eval` does.
 * After training, beside release.ts (it needs the trainer's split, and
 * evaluation/ may not import training/). No file I/O; never fits on Testing;
 * logits are read, never changed.
 */
import type { DiagnosisModel } from '../../lib/models/model';
import { predictSet, type ImageSet } from '../evaluation/batchPredict';
import { eceAt, fitTemperature, FITTED_ON_VALIDATION } from '../evaluation/calibration';
import { argmax } from '../evaluation/metrics';
import { splitData } from './data';
import type { ValidationGroups } from './validationGroups';

export interface CalibrationResult {
  temperature: number;
  fittedOn: string;
  /** validation images the temperature was fitted on */
  n: number;
  validation: { nllBefore: number; nllAfter: number; eceBefore: number; eceAfter: number; accuracy: number };
  test?: { n: number; eceBefore: number; eceAfter: number; accuracy: number; bins: number };
}

/** The split every shipped model was trained with (model cards: "stratified 10 % of Training, seed 1"). */
export const SHIPPED_SPLIT = { seed: 1, valFraction: 0.1 };

export async function calibrateModel(
  model: DiagnosisModel,
  training: ImageSet,
  testing: ImageSet | undefined,
  /** poolName: what `training` is, 'Training' or 'Training + Testing' for a model trained on all labelled data */
  /** validationGroups: the groups the model's card says its validation split was drawn by (validationGroupsOf) */
  opts: { batch?: number; log?: (line: string) => void; poolName?: string; validationGroups?: ValidationGroups } = {},
): Promise<CalibrationResult> {
  const log = opts.log ?? (() => {});
  for (const set of [training, testing])
    if (set && set.classes.join() !== model.classes.join())
      throw new Error(`data classes (${set.classes.join(', ')}) differ from the model's (${model.classes.join(', ')})`);
  const { valIdx } = splitData(training, { ...SHIPPED_SPLIT, validationGroups: opts.validationGroups }, log);
  const valLabels = valIdx.map((i) => training.labels[i]);
  const poolName = opts.poolName ?? 'Training';
  log(`validation: ${valIdx.length} of ${training.labels.length} ${poolName} images (seed ${SHIPPED_SPLIT.seed})`);
  const val = await predictSet(model, training, valIdx, { batch: opts.batch });
  const fit = fitTemperature(val.logits, valLabels);
  const accuracy = (logits: number[][], labels: ArrayLike<number>) =>
    logits.filter((row, k) => argmax(row) === labels[k]).length / Math.max(1, logits.length);
  const result: CalibrationResult = {
    temperature: fit.temperature,
    fittedOn: opts.validationGroups
      ? `validation (10 % of ${poolName}${poolName === 'Training' ? '' : ' pooled'} by whole near-duplicate groups, seed ${SHIPPED_SPLIT.seed})`
      : poolName === 'Training'
        ? FITTED_ON_VALIDATION
        : `validation (10 % of ${poolName} pooled, seed ${SHIPPED_SPLIT.seed})`,
    n: valIdx.length,
    validation: {
      nllBefore: fit.nllBefore,
      nllAfter: fit.nllAfter,
      eceBefore: eceAt(val.logits, valLabels, 1),
      eceAfter: eceAt(val.logits, valLabels, fit.temperature),
      accuracy: accuracy(val.logits, valLabels),
    },
  };
  log(
    `T = ${fit.temperature.toFixed(4)}; validation NLL ${fit.nllBefore.toFixed(4)} -> ${fit.nllAfter.toFixed(4)}, ECE ${result.validation.eceBefore.toFixed(4)} -> ${result.validation.eceAfter.toFixed(4)}`,
  );
  if (testing) {
    const test = await predictSet(model, testing, undefined, { batch: opts.batch });
    const labels = Array.from(testing.labels);
    result.test = {
      n: labels.length,
      eceBefore: eceAt(test.logits, labels, 1),
      eceAfter: eceAt(test.logits, labels, fit.temperature),
      accuracy: accuracy(test.logits, labels),
      bins: 15,
    };
    log(
      `Testing (n = ${labels.length}, accuracy ${(result.test.accuracy * 100).toFixed(2)} %): ECE ${result.test.eceBefore.toFixed(4)} -> ${result.test.eceAfter.toFixed(4)}`,
    );
  }
  return result;
}
