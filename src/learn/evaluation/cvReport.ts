/**
 * The k-fold cross-validation report (scripts/cv-report.ts writes
 * docs/reports/cv-<dataset>.json) as the model cards quote it: its checks (named
 * dataset, every fold scored), the card's `crossValidation` block for one
 * architecture and the README sentence of its out-of-fold figures. One builder
 * for both writers: scripts/cv-report.ts --write-cards (models with a held-out
 * Testing split) and `cipherscan train --all-labelled --cv-report` (release.ts),
 * whose card has no other accuracy claim. Pure: callers read and write files.
 */
import type { EnsembleRate } from '../../lib/diagnosis/ensemble';

export type CvKind = 'vit' | 'cnn' | 'ensemble';

/** What scripts/cv-report.ts writes (docs/reports/cv-DS.json). */
export interface CvReport {
  folds: number;
  scored: number;
  missing: number[];
  totals: Record<CvKind, { k: number; n: number; perFold: string[] }>;
  rates: Record<CvKind, EnsembleRate>;
  choice: CvKind | null;
  dataset?: string;
  /** per candidate: coverage and accuracy at each fold's own threshold, mean ECE and NLL */
  abstention?: Record<CvKind, { coverage: number; accuracy: EnsembleRate; ece: number; nll: number }>;
  /** the augmentation the fold models trained with, by architecture (reports written after it was added) */
  foldAugmentations?: Partial<Record<'vit' | 'cnn', string[]>>;
  /** the report's own caveat (fold recipe differing from the shipped one) */
  caveat?: string;
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

/**
 * The report if it is a complete cross-validation of `dataset`; `refuse(why)` otherwise.
 * The report may name no dataset (older ones), so then its file name must: cv-<dataset>.json.
 */
export function parseCvReport(
  text: string,
  reportPath: string,
  dataset: string,
  refuse: (why: string) => Error,
): CvReport {
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
  return r as CvReport;
}

/** "93.50 % [92.6, 94.3]": a rate with its 95 % Wilson interval, as the CV report prints it. */
export function cvRate(r: EnsembleRate): string {
  return r.n === 0 ? '–' : `${(r.rate * 100).toFixed(2)} % [${(r.low * 100).toFixed(1)}, ${(r.high * 100).toFixed(1)}]`;
}

/** The model card's `crossValidation` block for one architecture of the report. */
export function crossValidationBlock(
  cv: CvReport,
  kind: 'vit' | 'cnn',
  o: { command: string; caveat?: string; report?: string },
) {
  return {
    folds: cv.folds,
    ...(o.report ? { report: o.report } : {}),
    data: 'Training + Testing pooled, stratified seeded folds (scripts/cv-folds.ts --seed 1)',
    recipe: 'the recipe of this model (scripts/recipes.sh), retrained per fold on the other folds',
    foldAugmentation: cv.foldAugmentations?.[kind]?.join(', '),
    caveat: o.caveat,
    accuracy: cv.rates[kind],
    perFold: cv.totals[kind].perFold,
    abstention: cv.abstention?.[kind],
    threshold: cv.pooledThreshold?.[kind],
    ensemble: cv.rates.ensemble,
    choice: cv.choice,
    command: o.command,
  };
}

/** The README sentence of the out-of-fold figures of one architecture. */
export function outOfFoldSentence(cv: CvReport, kind: 'vit' | 'cnn'): string {
  const a = cv.abstention?.[kind];
  const n = cv.totals[kind].n;
  return (
    `The recipe retrained ${cv.folds} times, each time on ${cv.folds - 1} of ${cv.folds} folds of Training + Testing pooled (${n.toLocaleString('en')} images) and scored on the held-out fold: ` +
    `out-of-fold accuracy ${cvRate(cv.rates[kind])} (per fold ${cv.totals[kind].perFold.join(', ')})` +
    (a
      ? `; with each fold's own "Uncertain" threshold ${(a.coverage * 100).toFixed(1)} % answered at ${cvRate(a.accuracy)}; ECE ${a.ece.toFixed(4)}.`
      : '.')
  );
}
