/**
 * The study behind `cipherscan selective` (issue 18): for each shipped model of a
 * dataset and for their ensemble, calibrated probabilities on the validation split
 * and on Testing; the abstention threshold fitted on validation only; the
 * ensemble shipped only where it wins on validation (accuracy, then NLL); Testing
 * figures computed for what ships, each accuracy with its 95 % Wilson interval.
 * Pure: the CLI runs the models and gathers the logits.
 */
import { softmaxT } from '../../lib/models/softmax';
import { expectedCalibrationError } from './calibration';
import { wilson, type Rate } from './domainGuardReport';
import { argmax } from './metrics';
import {
  accuracyAtCoverage,
  atThreshold,
  coverageAccuracyCurve,
  curveForReport,
  fitAbstention,
  fixedAbstention,
  PLOT_COVERAGES,
  reliabilityBins,
  meanProbabilities,
  type AbstentionFit,
  type CoveragePoint,
  type ReliabilityBin,
} from './selective';

export interface MemberLogits {
  /** the model's folder name, e.g. vit-lung-histopathology */
  name: string;
  /** its fitted temperature (model.json calibration) */
  temperature: number;
  validation: number[][];
  /** absent where no Testing split is held out from the model (trained on all labelled data) */
  testing?: number[][];
}

export interface SplitFigures {
  n: number;
  accuracy: Rate;
  /** mean negative log-likelihood of the calibrated probabilities */
  nll: number;
  /** expected calibration error, 15 bins, calibrated probabilities */
  ece: number;
  /** answered share and accuracy at the fitted threshold */
  atThreshold: CoveragePoint & { accuracyInterval: Rate };
  /** best accuracy while answering >= 90 % (the target point) */
  at90: CoveragePoint | undefined;
  /** the coverage–accuracy curve at the table's coverages (50 … 100 %) */
  points: CoveragePoint[];
  /** the same every 2 % from 30 %, for the report view's plot */
  curve: CoveragePoint[];
  /** reliability diagram (15 bins) of the calibrated probabilities */
  reliability: ReliabilityBin[];
}

export interface Candidate {
  name: string;
  members: string[];
  abstention: AbstentionFit;
  validation: SplitFigures;
  /** present for what ships only (singles always; the ensemble where it wins on validation) */
  testing?: SplitFigures;
  /**
   * Cross-validation only (scoreAllOnTesting): the calibrated probabilities on the
   * held-out fold, per image, for scripts/cv-report.ts to fit a threshold on the
   * pooled out-of-fold predictions.
   */
  testingProbabilities?: number[][];
}

export interface SelectiveStudy {
  targetAccuracy: number;
  validationNote: string;
  candidates: Candidate[];
  /** the ensemble's name when it ships, else undefined */
  ensembleShips: boolean;
  ensembleReason: string;
  /** cross-validation only: the held-out fold's labels, in the order of testingProbabilities */
  testingLabels?: number[];
  /**
   * cross-validation only: the held-out fold's images (relative to its Testing folder), in the
   * same order, so cv-report.ts can tell which original each is a copy of (group bootstrap)
   */
  testingFiles?: string[];
  /** why no candidate has Testing figures (the models trained on all labelled data) */
  noTesting?: string;
}

const nllOfProbabilities = (probabilities: number[][], labels: ArrayLike<number>) =>
  probabilities.reduce((s, p, k) => s - Math.log(Math.max(1e-12, p[labels[k]])), 0) / Math.max(1, labels.length);

function figures(probabilities: number[][], labels: ArrayLike<number>, threshold: number): SplitFigures {
  const correct = probabilities.filter((p, k) => argmax(p) === labels[k]).length;
  const curve = coverageAccuracyCurve(probabilities, labels);
  const at = atThreshold(probabilities, labels, threshold);
  return {
    n: labels.length,
    accuracy: wilson(correct, labels.length),
    nll: nllOfProbabilities(probabilities, labels),
    ece: expectedCalibrationError(probabilities, labels),
    atThreshold: { ...at, accuracyInterval: wilson(at.correct, at.answered) },
    at90: accuracyAtCoverage(curve, 0.9),
    points: curveForReport(curve),
    curve: curveForReport(curve, PLOT_COVERAGES),
    reliability: reliabilityBins(probabilities, labels),
  };
}

/** the Testing files as given, refused where they cannot be the labels' images */
function filesOf(files: readonly string[], labels: number): string[] {
  if (files.length !== labels) throw new Error(`${files.length} Testing files for ${labels} Testing labels`);
  return [...files];
}

export function selectiveStudy(
  members: MemberLogits[],
  validationLabels: ArrayLike<number>,
  /** undefined: no Testing split is held out (the models trained on all labelled data), no candidate gets Testing figures */
  testingLabels: ArrayLike<number> | undefined,
  targetAccuracy: number,
  validationNote: string,
  /**
   * Score every candidate on Testing, not only what ships: for a cross-validation
   * fold, whose "Testing" is the held-out fold (the choice is made on the pooled
   * out-of-fold figures, scripts/cv-report.ts), never for the shipped split.
   */
  options: {
    scoreAllOnTesting?: boolean;
    /** with scoreAllOnTesting: the Testing images' files, in the order of testingLabels */
    testingFiles?: readonly string[];
    /** with testingLabels undefined: the sentence why (labelledData.ts noHeldOutTesting) */
    noTesting?: string;
    /**
     * Where k-fold cross-validation chose (scripts/cv-report.ts): it decides whether
     * the ensemble ships instead of the validation-only rule (kept for datasets without CV).
     */
    crossValidation?: {
      /** undefined where the report had no ensemble (one architecture cross-validated): validation decides */
      ensembleShips?: boolean;
      reason: string;
      /** by candidate name: thresholds fitted on the pooled out-of-fold predictions, used instead of validation's */
      thresholds?: Record<string, { minConfidence: number; rule: string; fittedOn: string }>;
    };
  } = {},
): SelectiveStudy {
  const calibrated = (logits: number[][], t: number) => logits.map((row) => softmaxT(row, t));
  const singles = members.map((m) => ({
    name: m.name,
    members: [m.name],
    validation: calibrated(m.validation, m.temperature),
    testing: testingLabels && m.testing ? calibrated(m.testing, m.temperature) : undefined,
  }));
  const pool = [...singles];
  if (members.length > 1)
    pool.push({
      name: `ensemble(${members.map((m) => m.name).join(' + ')})`,
      members: members.map((m) => m.name),
      validation: meanProbabilities(singles.map((s) => s.validation)),
      testing: singles.every((s) => s.testing) ? meanProbabilities(singles.map((s) => s.testing!)) : undefined,
    });
  const scoredOnValidation = pool.map((c) => {
    const fixed = options.crossValidation?.thresholds?.[c.name];
    const abstention = fixed
      ? fixedAbstention(c.validation, validationLabels, targetAccuracy, fixed)
      : fitAbstention(c.validation, validationLabels, targetAccuracy);
    return { c, abstention, validation: figures(c.validation, validationLabels, abstention.minConfidence) };
  });
  // the ensemble ships when it beats every single model on validation: more right answers, or as many and a lower NLL
  const ensemble = members.length > 1 ? scoredOnValidation[scoredOnValidation.length - 1] : undefined;
  const bestSingle = scoredOnValidation
    .slice(0, members.length)
    .reduce((a, b) =>
      b.validation.accuracy.k > a.validation.accuracy.k ||
      (b.validation.accuracy.k === a.validation.accuracy.k && b.validation.nll < a.validation.nll)
        ? b
        : a,
    );
  const validationWins =
    !!ensemble &&
    (ensemble.validation.accuracy.k > bestSingle.validation.accuracy.k ||
      (ensemble.validation.accuracy.k === bestSingle.validation.accuracy.k &&
        ensemble.validation.nll < bestSingle.validation.nll));
  const cv = ensemble ? options.crossValidation : undefined;
  const ensembleWins = cv?.ensembleShips ?? validationWins;
  const ensembleReason = !ensemble
    ? 'one model only'
    : (cv ? `${cv.reason}; ` : '') +
      `validation: ensemble ${ensemble.validation.accuracy.k}/${ensemble.validation.n} right, NLL ${ensemble.validation.nll.toFixed(4)}; ` +
      `best single (${bestSingle.c.name}) ${bestSingle.validation.accuracy.k}/${bestSingle.validation.n}, NLL ${bestSingle.validation.nll.toFixed(4)}`;
  const candidates: Candidate[] = scoredOnValidation.map(({ c, abstention, validation }) => {
    const ships = c.members.length === 1 || ensembleWins || options.scoreAllOnTesting === true;
    return {
      name: c.name,
      members: c.members,
      abstention,
      validation,
      ...(ships && c.testing && testingLabels
        ? { testing: figures(c.testing, testingLabels, abstention.minConfidence) }
        : {}),
      ...(options.scoreAllOnTesting && c.testing ? { testingProbabilities: c.testing } : {}),
    };
  });
  return {
    targetAccuracy,
    validationNote,
    candidates,
    ensembleShips: ensembleWins,
    ensembleReason,
    ...(options.scoreAllOnTesting && testingLabels ? { testingLabels: Array.from(testingLabels) } : {}),
    ...(options.scoreAllOnTesting && testingLabels && options.testingFiles
      ? { testingFiles: filesOf(options.testingFiles, testingLabels.length) }
      : {}),
    ...(testingLabels ? {} : { noTesting: options.noTesting ?? 'no Testing split was given' }),
  };
}
