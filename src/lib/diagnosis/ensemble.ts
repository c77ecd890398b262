/**
 * The ViT + Masked-CNN ensemble as a shippable model (issue 18): a folder
 * `models/ensemble-<dataset>/` holding `ensemble.json` (this file's format) and
 * a README.md model card, beside its member folders. No weights of its own: the
 * members adapt to the same key and read the same encrypted image, so the
 * ensemble costs one more forward pass, no more encryption.
 *
 * Combination: the element-wise mean of the members' temperature-calibrated
 * probabilities (each member's `calibration.temperature`, recorded here and
 * checked at load, so a re-calibrated member cannot silently shift the
 * ensemble's threshold). Abstention: the ensemble's own `minConfidence`, fitted
 * on the cross-validation's pooled out-of-fold predictions (scripts/cv-report.ts)
 * or on validation (learn/evaluation/selectiveStudy.ts); `threshold` says which. Why it ships: the k-fold
 * cross-validation figures it won (scripts/cv-report.ts), which parsing checks
 * say so. Written by `cipherscan selective --write --thresholds-from CV.json --ensemble-from CV.json`.
 *
 * Isomorphic; parsing refuses a malformed or unknown-version file rather than guessing.
 */
import { isObject } from '../json/isObject';
import type { Prediction } from '../models/model';
import { percentOfRate } from './percent';

export const ENSEMBLE_FILE = 'ensemble.json';
export const ENSEMBLE_FORMAT = 'cipherscan-ensemble';
export const ENSEMBLE_VERSION = 1;
export const ENSEMBLE_COMBINE = 'mean of the members’ temperature-calibrated probabilities';
export const ENSEMBLE_PREFIX = 'ensemble-';

/** A count with its rate and 95 % Wilson interval (as learn/evaluation's Rate). */
export interface EnsembleRate {
  k: number;
  n: number;
  rate: number;
  low: number;
  high: number;
}

export interface EnsembleMember {
  /** the member's folder name beside this one, e.g. "vit-lung-histopathology" */
  name: string;
  architecture: 'vit' | 'cnn';
  /** the member's calibration.temperature when the ensemble was fitted */
  temperature: number;
}

export interface EnsembleSpec {
  dataset: string;
  classes: string[];
  members: EnsembleMember[];
  combine: string;
  /** calibrated top probability of the mean below which the answer is "Uncertain — refer for review" */
  minConfidence: number;
  threshold: { rule: string; targetAccuracy: number; n: number; fittedOn: string };
  /** the held-out Testing split at the threshold (the figures the model card quotes); absent where none is held out */
  testing?: { n: number; accuracy: EnsembleRate; coverage: number; accuracyOfAnswers: EnsembleRate };
  /** why there are no Testing figures: the members were trained on all labelled data (Training + Testing) */
  noTesting?: string;
  /** why it ships: out-of-fold accuracy of each candidate, pooled over every fold */
  crossValidation: { folds: number; report: string; outOfFold: Record<'vit' | 'cnn' | 'ensemble', EnsembleRate> };
  /** the command that wrote it */
  command: string;
}

export function isEnsembleName(name: string): boolean {
  return name.startsWith(ENSEMBLE_PREFIX);
}

export function ensembleName(dataset: string): string {
  return ENSEMBLE_PREFIX + dataset;
}

/** The members' names for people; registry.ts's ARCHITECTURE_LABELS derives from these (registry imports this file). */
export const MEMBER_LABELS: Record<EnsembleMember['architecture'], string> = { vit: 'ViT', cnn: 'Masked-CNN' };

/** One line for people: why the ensemble is the default, e.g. "best in 5-fold cross-validation: 97.9 % vs 97.1 % (ViT) and 96.8 % (Masked-CNN)". */
export function ensembleWhy(spec: EnsembleSpec): string {
  const o = spec.crossValidation.outOfFold;
  return (
    `best in ${spec.crossValidation.folds}-fold cross-validation: ${percentOfRate(o.ensemble)} vs ${percentOfRate(o.vit)} (${MEMBER_LABELS.vit}) ` +
    `and ${percentOfRate(o.cnn)} (${MEMBER_LABELS.cnn}) out-of-fold accuracy`
  );
}

export function serializeEnsemble(spec: EnsembleSpec): string {
  return JSON.stringify({ format: ENSEMBLE_FORMAT, version: ENSEMBLE_VERSION, ...spec }, null, 1) + '\n';
}

type Bad = (why: string) => Error;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const unit = (v: unknown): v is number => finite(v) && v >= 0 && v <= 1;
const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function rate(v: unknown, what: string, bad: Bad): EnsembleRate {
  if (!isObject(v) || !count(v.k) || !count(v.n) || v.k > v.n || !unit(v.rate) || !unit(v.low) || !unit(v.high))
    throw bad(`${what} must be { k, n, rate, low, high } with 0 <= k <= n and rates in [0, 1]`);
  return { k: v.k, n: v.n, rate: v.rate, low: v.low, high: v.high };
}

/**
 * Parses ensemble.json; throws on a wrong format tag or version, members that
 * are not one ViT and one Masked-CNN of the file's dataset, a combination this
 * app does not compute, a threshold outside [0, 1], or cross-validation figures
 * in which the ensemble did not win.
 */
export function parseEnsemble(text: string): EnsembleSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('ensemble file is not JSON');
  }
  const bad: Bad = (why) => new Error(`malformed ensemble file: ${why}`);
  if (!isObject(raw) || raw.format !== ENSEMBLE_FORMAT) throw bad('wrong format tag');
  if (raw.version !== ENSEMBLE_VERSION)
    throw bad(`unsupported version ${String(raw.version)} (this app reads ${ENSEMBLE_VERSION})`);
  const dataset = raw.dataset;
  if (typeof dataset !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(dataset)) throw bad('dataset');
  const classes = raw.classes;
  if (!Array.isArray(classes) || classes.length < 2 || classes.some((c) => typeof c !== 'string')) throw bad('classes');
  if (!Array.isArray(raw.members) || raw.members.length !== 2) throw bad('members: one ViT and one Masked-CNN');
  const members = raw.members.map((m: unknown, i): EnsembleMember => {
    if (!isObject(m) || (m.architecture !== 'vit' && m.architecture !== 'cnn')) throw bad(`member ${i} architecture`);
    if (m.name !== `${m.architecture}-${dataset}`)
      throw bad(`member ${i} must be the folder ${m.architecture}-${dataset} (got ${String(m.name)})`);
    if (!finite(m.temperature) || m.temperature <= 0) throw bad(`member ${i} temperature`);
    return { name: m.name, architecture: m.architecture, temperature: m.temperature };
  });
  if (members[0].architecture === members[1].architecture) throw bad('members: one ViT and one Masked-CNN');
  if (raw.combine !== ENSEMBLE_COMBINE) throw bad(`combine: this app computes "${ENSEMBLE_COMBINE}" only`);
  if (!unit(raw.minConfidence)) throw bad('minConfidence must be a number in [0, 1]');
  const t = raw.threshold;
  if (
    !isObject(t) ||
    typeof t.rule !== 'string' ||
    !unit(t.targetAccuracy) ||
    !count(t.n) ||
    typeof t.fittedOn !== 'string'
  )
    throw bad('threshold { rule, targetAccuracy, n, fittedOn }');
  const te = raw.testing;
  if (te === undefined ? typeof raw.noTesting !== 'string' : !isObject(te) || !count(te.n) || !unit(te.coverage))
    throw bad('testing { n, accuracy, coverage, accuracyOfAnswers } (or noTesting: why none is held out)');
  const cv = raw.crossValidation;
  if (!isObject(cv) || !count(cv.folds) || cv.folds < 2 || typeof cv.report !== 'string' || !isObject(cv.outOfFold))
    throw bad('crossValidation { folds >= 2, report, outOfFold }');
  const o = cv.outOfFold;
  const outOfFold = {
    vit: rate(o.vit, 'crossValidation.outOfFold.vit', bad),
    cnn: rate(o.cnn, 'crossValidation.outOfFold.cnn', bad),
    ensemble: rate(o.ensemble, 'crossValidation.outOfFold.ensemble', bad),
  };
  if (outOfFold.ensemble.k <= Math.max(outOfFold.vit.k, outOfFold.cnn.k))
    throw bad('the cross-validation figures do not show the ensemble winning: it does not ship');
  if (typeof raw.command !== 'string') throw bad('command');
  return {
    dataset,
    classes: classes as string[],
    members,
    combine: ENSEMBLE_COMBINE,
    minConfidence: raw.minConfidence,
    threshold: { rule: t.rule, targetAccuracy: t.targetAccuracy, n: t.n, fittedOn: t.fittedOn },
    ...(isObject(te)
      ? {
          testing: {
            n: te.n as number,
            accuracy: rate(te.accuracy, 'testing.accuracy', bad),
            coverage: te.coverage as number,
            accuracyOfAnswers: rate(te.accuracyOfAnswers, 'testing.accuracyOfAnswers', bad),
          },
        }
      : { noTesting: raw.noTesting as string }),
    crossValidation: { folds: cv.folds, report: cv.report, outOfFold },
    command: raw.command,
  };
}

/**
 * The ensemble's combination, the one definition of it (learn/evaluation's
 * meanProbabilities calls it per image): the element-wise mean of the members'
 * calibrated probabilities for one image. Throws on fewer than two members or
 * members with different numbers of classes.
 */
export function meanOfMembers(members: ArrayLike<number>[]): number[] {
  if (members.length < 2) throw new Error('an ensemble needs at least two members');
  const classes = members[0].length;
  if (members.some((m) => m.length !== classes)) throw new Error('ensemble members give different numbers of classes');
  return Array.from({ length: classes }, (_, c) => members.reduce((s, m) => s + m[c], 0) / members.length);
}

/**
 * The ensemble's prediction from its members' (each already softmax(logits / T)
 * at its own temperature): mean probabilities (meanOfMembers), their argmax; `logits` are the log
 * of the mean (softmax of them gives the mean back), so "largest logit
 * difference" stays meaningful between the plain and the encrypted ensemble.
 */
export function combinePredictions(classes: string[], members: Prediction[]): Prediction {
  const probabilities = meanOfMembers(members.map((m) => m.probabilities));
  if (probabilities.length !== classes.length) throw new Error('ensemble members give different numbers of classes');
  let classIndex = 0;
  for (let c = 1; c < probabilities.length; c++) if (probabilities[c] > probabilities[classIndex]) classIndex = c;
  return {
    classIndex,
    className: classes[classIndex],
    probabilities,
    logits: probabilities.map((p) => Math.log(Math.max(p, 1e-30))),
  };
}
