/**
 * The k-fold cross-validation report of a dataset (scripts/cv-report.ts writes
 * docs/reports/cv-DS.json) as the release step reads it: whether it is complete
 * (every fold scored), and the "Uncertain" thresholds it fitted on the pooled
 * out-of-fold predictions, by the selective study's candidate names. Pure: the
 * one writer of those thresholds into a model is
 * `cipherscan selective --write --thresholds-from CV.json` (apps/cli/commands/selectiveWrite.ts).
 * Also the one builder of a model card's `crossValidation` block and README sentence
 * (cvFigures, crossValidationBlock, outOfFoldSentence), for scripts/cvCards.ts
 * (cv-report.ts --write-cards) and for the card of a model trained on all labelled
 * data (learn/training/allLabelledCard.ts), whose accuracy claim it is.
 */
import { GROUPED_GUARANTEE } from '../../lib/diagnosis/cvChoice';
import type { EnsembleRate } from '../../lib/diagnosis/ensemble';
import type { GroupInterval } from './groupBootstrap';

export type CvKind = 'vit' | 'cnn' | 'ensemble';

/** What scripts/cv-report.ts writes (docs/reports/cv-DS.json). */
export interface CvReport {
  folds: number;
  /**
   * The architectures the folds trained (reports since stop 36); absent = both. With one (the
   * brain Masked-CNN's run) there is no ensemble and no choice, and `totals`, `rates` and
   * `pooledThreshold` have that architecture only.
   */
  archs?: ('vit' | 'cnn')[];
  scored: number;
  missing: number[];
  totals: Record<CvKind, { k: number; n: number; perFold: string[] }>;
  rates: Record<CvKind, EnsembleRate>;
  /** grouped folds: each candidate's accuracy interval from resampling whole originals (reports since stop 32) */
  byOriginals?: Partial<Record<CvKind, GroupInterval>>;
  choice: CvKind | null;
  dataset?: string;
  /** per candidate: at each fold's own threshold, answered share and accuracy; mean per-fold ECE and NLL */
  abstention?: Record<CvKind, CvFigures['abstention']>;
  /** the augmentation the fold models trained with, by architecture (reports written since it was added) */
  foldAugmentations?: Partial<Record<'vit' | 'cnn', string[]>>;
  /** and the epochs they trained for (reports written since stop 30) */
  foldEpochs?: Partial<Record<'vit' | 'cnn', number[]>>;
  /** the report's caveat (fold models trained with another recipe than the shipped one) */
  caveat?: string;
  /** per architecture, where a setting of its recipe was chosen on these folds (scripts/cvRun.ts RELEASE_RUN.chosenOnFolds) */
  selection?: Partial<Record<'vit' | 'cnn', string>>;
  /** the fold split's name, where it is not the dataset's per-image folds (e.g. "lung-histopathology-grouped") */
  split?: string;
  /** whether that split keeps every near-duplicate group in one fold (scripts/cv-folds.ts --groups) */
  grouped?: boolean;
  /**
   * The "Uncertain" threshold per candidate fitted on all out-of-fold predictions, and
   * the nested cross-validation figures of that rule (scripts/cv-report.ts).
   */
  pooledThreshold?: Record<
    CvKind,
    {
      nested: { coverage: number; accuracy: EnsembleRate };
      minConfidence?: number;
      fittedOn?: string;
      n?: number;
      rule?: string;
    }
  >;
}

/** A threshold given to the selective study instead of the one it would fit on validation. */
export interface CvThreshold {
  minConfidence: number;
  rule: string;
  fittedOn: string;
}

/** A release refused because of its CV report; the message is the sentence for the user. */
export class CvReleaseRefused extends Error {}

/**
 * The CV report, if it is a cross-validation of `dataset` with every fold scored;
 * otherwise a sentence why not (`what`: what would have been written). The report
 * may not name its dataset, so then its file name must: cv-<dataset>.json.
 */
export function completeCvReport(text: string, reportPath: string, dataset: string, what: string): CvReport {
  const refuse = (why: string) =>
    new CvReleaseRefused(`not writing the ${dataset} ${what}: ${reportPath} ${why}. Nothing was written.`);
  let r: Partial<CvReport>;
  try {
    r = JSON.parse(text) as Partial<CvReport>;
  } catch {
    throw refuse('is not JSON');
  }
  const named = r.dataset ?? /cv-([a-z0-9-]+)\.json$/.exec(reportPath)?.[1];
  if (named !== dataset) throw refuse(`is a cross-validation of ${named ?? 'an unnamed dataset'}, not ${dataset}`);
  if (typeof r.folds !== 'number' || r.folds < 2 || !r.totals || !r.rates) throw refuse('is not a CV report');
  if (r.scored !== r.folds || (r.missing?.length ?? 1) > 0)
    throw refuse(`has ${r.scored ?? 0} of ${r.folds} folds scored (still missing: ${r.missing?.join(', ') ?? '?'})`);
  for (const k of reportKinds(r as CvReport))
    if (r.totals[k]?.perFold?.length !== r.folds) throw refuse(`has ${k} figures for fewer than ${r.folds} folds`);
  return r as CvReport;
}

/**
 * The candidates a report (or a run of scripts/cv-train.sh) scores: its architectures in their
 * order, and their ensemble where it has both; a report without `archs` has both.
 */
export function reportKinds(cv: { archs?: readonly ('vit' | 'cnn')[] }): CvKind[] {
  const archs = cv.archs?.length ? cv.archs : (['vit', 'cnn'] as const);
  return archs.length > 1 ? [...archs, 'ensemble'] : [...archs];
}

/** an architecture in the cards' words */
const archWords = (arch: CvKind | null) => (arch === 'cnn' ? 'Masked-CNN' : 'ViT');

/**
 * The report's pooled thresholds by the study's candidate names (singles by folder
 * name, the ensemble by its members where both are named); refused unless each
 * named candidate the report cross-validated has one. A model of an architecture the
 * report did not train (the brain ViT beside its CNN's report) gets none: the study
 * fits its threshold on validation, as without a report; refused where that is every
 * named model.
 */
export function cvThresholds(
  cv: CvReport,
  reportPath: string,
  names: Partial<Record<'vit' | 'cnn', string>>,
): Record<string, CvThreshold> {
  const keyOf: Partial<Record<CvKind, string>> = { ...names };
  if (names.vit && names.cnn) keyOf.ensemble = `ensemble(${names.vit} + ${names.cnn})`;
  const scored = reportKinds(cv);
  if (!scored.some((k) => keyOf[k]))
    throw new CvReleaseRefused(
      `not writing the thresholds: ${reportPath} cross-validated the ${scored.join(', ')} only, none of the models given. Nothing was written.`,
    );
  const out: Record<string, CvThreshold> = {};
  for (const k of scored) {
    const key = keyOf[k];
    if (!key) continue;
    const t = cv.pooledThreshold?.[k];
    if (t?.minConfidence === undefined || !t.rule || !t.fittedOn)
      throw new CvReleaseRefused(
        `not writing the thresholds: ${reportPath} has no pooled out-of-fold threshold for ${k} (re-run scripts/cv-report.ts). Nothing was written.`,
      );
    out[key] = {
      minConfidence: t.minConfidence,
      rule: t.rule,
      fittedOn: `${t.fittedOn} of ${cv.folds}-fold cross-validation (nested: ${(t.nested.coverage * 100).toFixed(1)} % answered at ${(t.nested.accuracy.rate * 100).toFixed(2)} %)`,
    };
  }
  return out;
}

/** Why the study ships what the report chose, in the words the model cards use. */
export function cvChoiceReason(cv: CvReport): string {
  const scored = reportKinds(cv);
  if (scored.length === 1) {
    const { k, n } = cv.totals[scored[0]];
    return `${cv.folds}-fold cross-validation of the ${archWords(scored[0])} alone (${k}/${n} out-of-fold right answers) chose nothing`;
  }
  const { vit, cnn, ensemble } = cv.totals;
  return cv.choice === 'ensemble'
    ? `${cv.folds}-fold cross-validation chose it (${ensemble.k}/${ensemble.n} out-of-fold right answers; ViT ${vit.k}, Masked-CNN ${cnn.k})`
    : `${cv.folds}-fold cross-validation chose ${archWords(cv.choice)} (out-of-fold right answers of ${ensemble.n}: ensemble ${ensemble.k}, ViT ${vit.k}, Masked-CNN ${cnn.k})`;
}

/** One architecture's out-of-fold figures, as a model card quotes them. */
export interface CvFigures {
  folds: number;
  foldAugmentation?: string;
  /** '' or absent when the folds trained with the card's model's recipe */
  caveat?: string;
  /** where a setting of this recipe (its epochs, say) was chosen on these same folds: the sentence that says so */
  selection?: string;
  accuracy: EnsembleRate;
  /** grouped folds: the interval of resampling whole originals (groupBootstrap.ts), where the report has one */
  byOriginals?: GroupInterval;
  perFold: string[];
  abstention?: { coverage: number; accuracy: EnsembleRate; ece: number; nll: number; at90?: EnsembleRate };
  pooledThreshold?: NonNullable<CvReport['pooledThreshold']>[CvKind];
  /** absent where the report trained one architecture (no ensemble) */
  ensemble?: EnsembleRate;
  choice: string | null;
  /** the grouped split's name where the folds keep every near-duplicate group together; absent for per-image folds */
  groupedSplit?: string;
}

/** The figures of one architecture of a (complete) report. */
export function cvFigures(cv: CvReport, kind: 'vit' | 'cnn'): CvFigures {
  if (!reportKinds(cv).includes(kind))
    throw new CvReleaseRefused(
      `the cross-validation report has no ${kind} figures (it trained ${cv.archs?.join(', ')} only)`,
    );
  return {
    folds: cv.folds,
    ...(cv.grouped && cv.split ? { groupedSplit: cv.split } : {}),
    foldAugmentation: cv.foldAugmentations?.[kind]?.join(', '),
    caveat: cv.caveat,
    selection: cv.selection?.[kind],
    accuracy: cv.rates[kind],
    byOriginals: cv.byOriginals?.[kind],
    perFold: cv.totals[kind].perFold,
    abstention: cv.abstention?.[kind],
    pooledThreshold: cv.pooledThreshold?.[kind],
    ensemble: cv.rates.ensemble,
    choice: cv.choice,
  };
}

/** "93.50 % [92.6, 94.3]": a rate with its 95 % Wilson interval, as the CV report prints it. */
export function cvRate(r: EnsembleRate): string {
  return r.n === 0 ? '–' : `${(r.rate * 100).toFixed(2)} % [${(r.low * 100).toFixed(1)}, ${(r.high * 100).toFixed(1)}]`;
}

/** Grouped folds in the cards' words (the guarantee in the one wording cvChoice.ts keeps). */
const GROUPED_FOLDS = `grouped folds: every near-duplicate group (presumed original) lies in one fold, so ${GROUPED_GUARANTEE}`;

/** A model card's `crossValidation` block. */
export function crossValidationBlock(f: CvFigures, command: string) {
  return {
    folds: f.folds,
    data: f.groupedSplit
      ? `Training + Testing pooled, ${GROUPED_FOLDS} (scripts/cv-folds.ts --groups)`
      : 'Training + Testing pooled, stratified seeded folds (scripts/cv-folds.ts --seed 1)',
    ...(f.groupedSplit ? { split: f.groupedSplit } : {}),
    recipe: 'the recipe of this model (scripts/recipes.sh), retrained per fold on the other folds',
    foldAugmentation: f.foldAugmentation,
    caveat: f.caveat || undefined,
    selection: f.selection || undefined,
    accuracy: f.accuracy,
    ...(f.byOriginals ? { accuracyByOriginals: f.byOriginals } : {}),
    perFold: f.perFold,
    abstention: f.abstention,
    threshold: f.pooledThreshold,
    ensemble: f.ensemble,
    choice: f.choice,
    command,
  };
}

/**
 * The interval of resampling originals, in the cards' words: the Wilson interval counts copies of
 * one original as independent images, so it is too narrow on a dataset made of copies.
 */
export function byOriginalsPhrase(b: GroupInterval): string {
  return (
    `[${(b.low * 100).toFixed(1)}, ${(b.high * 100).toFixed(1)}] when the ${b.groups.toLocaleString('en')} presumed originals are resampled ` +
    '(wider and closer to honest: copies of one original are right or wrong together; copies the near-duplicate search did not join still count apart)'
  );
}

/** The README sentence of one architecture's out-of-fold figures. */
export function outOfFoldSentence(f: CvFigures): string {
  const a = f.abstention;
  return (
    `The recipe retrained ${f.folds} times, each time on ${f.folds - 1} of ${f.folds} folds of Training + Testing pooled (${f.accuracy.n.toLocaleString('en')} images) and scored on the held-out fold` +
    (f.groupedSplit ? ` (${GROUPED_FOLDS})` : '') +
    ': ' +
    `out-of-fold accuracy ${cvRate(f.accuracy)} (per fold ${f.perFold.join(', ')})` +
    (f.byOriginals ? `, ${byOriginalsPhrase(f.byOriginals)}` : '') +
    (a
      ? `; with each fold's own "Uncertain" threshold ${(a.coverage * 100).toFixed(1)} % answered at ${cvRate(a.accuracy)}; ECE ${a.ece.toFixed(4)}.`
      : '.')
  );
}
