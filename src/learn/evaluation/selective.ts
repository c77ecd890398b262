/**
 * Selective diagnosis: answer only when the calibrated confidence (the top
 * probability) reaches a threshold, otherwise "Uncertain — refer for review".
 * The coverage–accuracy curve says what each threshold costs (share answered)
 * and buys (accuracy of the answers); the threshold is fitted on validation
 * images only, so the Testing curve is an honest check of it.
 * Also the ViT + Masked-CNN ensemble (mean of calibrated probabilities): both
 * models read the same encrypted image, so it costs one more forward pass.
 * Pure functions on probabilities and labels; no tensors, no I/O.
 */
import { wilson, type Rate } from './domainGuardReport';
import { meanOfMembers } from '../../lib/diagnosis/ensemble';
import { groupLowerBounds } from './groupBootstrap';
import { argmax } from './metrics';

export interface CoveragePoint {
  /** answer when the top probability is >= this */
  threshold: number;
  /** share of images answered */
  coverage: number;
  /** accuracy of the answered images (1 when none is answered) */
  accuracy: number;
  answered: number;
  correct: number;
}

interface Scored {
  /** the image's index in the input */
  k: number;
  confidence: number;
  correct: boolean;
}

function scored(probabilities: number[][], labels: ArrayLike<number>): Scored[] {
  if (probabilities.length !== labels.length) throw new Error('one probability row per label is needed');
  return probabilities
    .map((p, k) => ({ k, confidence: p[argmax(p)], correct: argmax(p) === labels[k] }))
    .sort((a, b) => b.confidence - a.confidence);
}

/**
 * Every distinct threshold from the most confident image down: the point for
 * threshold t answers every image whose confidence is >= t. Ties move together
 * (a threshold cannot separate two images of equal confidence).
 */
export function coverageAccuracyCurve(probabilities: number[][], labels: ArrayLike<number>): CoveragePoint[] {
  const rows = scored(probabilities, labels);
  const n = rows.length;
  const points: CoveragePoint[] = [];
  let correct = 0;
  for (let i = 0; i < n; i++) {
    if (rows[i].correct) correct++;
    if (i + 1 < n && rows[i + 1].confidence === rows[i].confidence) continue;
    const answered = i + 1;
    points.push({
      threshold: rows[i].confidence,
      coverage: answered / n,
      accuracy: correct / answered,
      answered,
      correct,
    });
  }
  return points;
}

/** The curve at a given threshold: the images whose confidence is >= threshold. */
export function atThreshold(probabilities: number[][], labels: ArrayLike<number>, threshold: number): CoveragePoint {
  const rows = scored(probabilities, labels).filter((r) => r.confidence >= threshold);
  const correct = rows.filter((r) => r.correct).length;
  return {
    threshold,
    coverage: probabilities.length ? rows.length / probabilities.length : 0,
    accuracy: rows.length ? correct / rows.length : 1,
    answered: rows.length,
    correct,
  };
}

/** The best accuracy the curve reaches while answering at least `coverage` of the images. */
export function accuracyAtCoverage(curve: CoveragePoint[], coverage: number): CoveragePoint | undefined {
  return curve.find((p) => p.coverage >= coverage - 1e-12);
}

/** The coverages a report's table quotes. */
export const REPORT_COVERAGES = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1];
/** The coverages a report's plot draws: every 2 % from 30 % to 100 %. */
export const PLOT_COVERAGES = Array.from({ length: 36 }, (_, i) => Math.round((0.3 + i * 0.02) * 100) / 100);

/** The curve at the given coverages (each the best accuracy answering at least that share). */
export function curveForReport(curve: CoveragePoint[], steps = REPORT_COVERAGES): CoveragePoint[] {
  return steps.map((c) => accuracyAtCoverage(curve, c)).filter((p): p is CoveragePoint => p !== undefined);
}

export interface ReliabilityBin {
  /** mean top probability of the images in the bin */
  confidence: number;
  /** share of them the model got right */
  accuracy: number;
  count: number;
}

/**
 * The reliability diagram's bins (the same equal-width bins as the ECE,
 * calibration.ts): a calibrated model's points lie on the diagonal. Empty bins
 * are left out.
 */
export function reliabilityBins(probabilities: number[][], labels: ArrayLike<number>, bins = 15): ReliabilityBin[] {
  const count = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  const confSum = new Array<number>(bins).fill(0);
  probabilities.forEach((p, k) => {
    const best = argmax(p);
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(p[best] * bins) - 1));
    count[b]++;
    confSum[b] += p[best];
    if (best === labels[k]) correct[b]++;
  });
  return count.flatMap((c, b) => (c ? [{ confidence: confSum[b] / c, accuracy: correct[b] / c, count: c }] : []));
}

export interface AbstentionFit {
  /** calibrated top probability below which the answer is "Uncertain — refer for review" */
  minConfidence: number;
  targetAccuracy: number;
  rule: string;
  /** the validation point the threshold gives */
  validation: CoveragePoint & { accuracyInterval: Rate };
}

// Worded without saying which images: the same rule is fitted on a validation split (selective
// --write) and on pooled out-of-fold predictions (cv-report.ts), and each says where it was fitted.
export const ABSTENTION_RULE =
  'lowest threshold whose answered images have a 95 % Wilson lower bound >= the target accuracy';
/**
 * The same on the point estimate (`bound: 'point'`): never shipped, reported beside the shipped
 * rule by scripts/cv-report.ts (nested cross-validation) to show what the lower bound's margin costs.
 */
export const POINT_ABSTENTION_RULE =
  'lowest threshold whose answered images have an accuracy >= the target accuracy (point estimate)';
/**
 * The same where the images are copies of fewer originals (`bound: 'originals-low'`, grouped
 * cross-validation): the 95 % lower bound of resampling whole originals (groupBootstrap.ts), not
 * Wilson's, which counts copies of one original as independent evidence.
 */
export const ORIGINALS_ABSTENTION_RULE =
  'lowest threshold whose answered images have a 95 % lower bound >= the target accuracy both when their presumed originals are resampled (copies of one original count together) and by Wilson';

export type AbstentionBound = 'wilson-low' | 'point' | 'originals-low';
const RULES: Record<AbstentionBound, string> = {
  'wilson-low': ABSTENTION_RULE,
  point: POINT_ABSTENTION_RULE,
  'originals-low': ORIGINALS_ABSTENTION_RULE,
};

/**
 * The lowest threshold (most coverage) at which the answered images'
 * accuracy has a Wilson 95 % LOWER bound at or above the target ('wilson-low'; with
 * 'originals-low' also the bound of resampling the images' presumed originals, with
 * 'point' the point estimate instead, never shipped). The lower bound,
 * not the point estimate: validation picked the shipped models, so its accuracy is
 * optimistic, and a small validation set must not buy a confident-looking rule.
 * When no threshold qualifies, the strictest one (the most confident images only).
 */
export function fitAbstention(
  probabilities: number[][],
  labels: ArrayLike<number>,
  targetAccuracy: number,
  bound: AbstentionBound = 'wilson-low',
  /** 'originals-low' only: each image's presumed original */
  groups?: ArrayLike<number | string>,
): AbstentionFit {
  const curve = coverageAccuracyCurve(probabilities, labels);
  if (!curve.length) throw new Error('fitAbstention needs at least one image');
  const originalsLow = bound === 'originals-low' ? rankedLowerBounds(probabilities, labels, curve, groups) : [];
  let chosen = curve[0];
  const low = (p: CoveragePoint, i: number) =>
    bound === 'point'
      ? p.correct / p.answered
      : bound === 'originals-low'
        ? // never more permissive than Wilson: a resample of few errors, or none, has no spread to bound
          Math.min(originalsLow[i], wilson(p.correct, p.answered).low)
        : wilson(p.correct, p.answered).low;
  curve.forEach((p, i) => {
    if (low(p, i) >= targetAccuracy) chosen = p;
  });
  return {
    minConfidence: chosen.threshold,
    targetAccuracy,
    rule: RULES[bound],
    validation: { ...chosen, accuracyInterval: wilson(chosen.correct, chosen.answered) },
  };
}

/** per point of the curve, the lower bound of its answered images' accuracy resampling originals */
function rankedLowerBounds(
  probabilities: number[][],
  labels: ArrayLike<number>,
  curve: CoveragePoint[],
  groups: ArrayLike<number | string> | undefined,
): number[] {
  if (!groups || groups.length !== labels.length)
    throw new Error("the 'originals-low' rule needs each image's presumed original");
  // the curve's own order, most confident first (ties answer together, so their order inside a tie does not matter)
  const rows = scored(probabilities, labels);
  return groupLowerBounds(
    rows.map((r) => r.correct),
    rows.map((r) => groups[r.k]),
    curve.map((p) => p.answered),
  );
}

/**
 * A threshold fitted elsewhere (on pooled out-of-fold predictions of k-fold
 * cross-validation, scripts/cv-report.ts), described with where it came from and
 * scored on this validation split like a fitted one.
 */
export function fixedAbstention(
  probabilities: number[][],
  labels: ArrayLike<number>,
  targetAccuracy: number,
  fixed: { minConfidence: number; rule: string; fittedOn: string },
): AbstentionFit {
  const point = atThreshold(probabilities, labels, fixed.minConfidence);
  return {
    minConfidence: fixed.minConfidence,
    targetAccuracy,
    rule: `${fixed.rule}; fitted on ${fixed.fittedOn}`,
    validation: { ...point, accuracyInterval: wilson(point.correct, point.answered) },
  };
}

/**
 * How a rule fitted on pooled out-of-fold predictions does on scans it was not fitted on (nested
 * cross-validation): per fold, fitted on the other folds' predictions and applied to this fold's;
 * the share answered and the accuracy of the answers, pooled over the folds. The threshold that
 * ships is fitted once on all folds; this is its honest figure.
 */
export function nestedAbstention(
  /** `groups` (each image's presumed original): needed by the 'originals-low' rule */
  folds: readonly { probabilities: number[][]; labels: number[]; groups?: number[] }[],
  targetAccuracy: number,
  bound: AbstentionBound = 'wilson-low',
): { coverage: number; accuracy: Rate; thresholds: number[] } {
  if (folds.length < 2) throw new Error('nested cross-validation needs at least two folds');
  const thresholds: number[] = [];
  let answered = 0;
  let right = 0;
  let n = 0;
  folds.forEach((held, k) => {
    const others = folds.filter((_, j) => j !== k);
    const fit = fitAbstention(
      others.flatMap((p) => p.probabilities),
      others.flatMap((p) => p.labels),
      targetAccuracy,
      bound,
      bound === 'originals-low' ? others.flatMap((p) => p.groups ?? []) : undefined,
    );
    const at = atThreshold(held.probabilities, held.labels, fit.minConfidence);
    thresholds.push(fit.minConfidence);
    answered += at.answered;
    right += at.correct;
    n += held.labels.length;
  });
  // each held-out fold's threshold (fitted without it), so a caller can tell which images were answered
  return { coverage: n ? answered / n : 0, accuracy: wilson(right, answered), thresholds };
}

/**
 * The ensemble's probabilities over a set of images (members × images × classes):
 * per image, lib/diagnosis/ensemble.ts's meanOfMembers, the page's and the CLI's
 * combination, so what is fitted and reported here is what ships.
 */
export function meanProbabilities(members: number[][][]): number[][] {
  if (members.length < 2) throw new Error('an ensemble needs at least two members');
  const n = members[0].length;
  if (members.some((m) => m.length !== n)) throw new Error('ensemble members scored different numbers of images');
  return members[0].map((_, k) => meanOfMembers(members.map((m) => m[k])));
}
