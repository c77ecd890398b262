/**
 * The k-fold cross-validation report of a dataset (scripts/cv-report.ts writes
 * docs/reports/cv-DS.json) as the release step reads it: whether it is complete
 * (every fold scored), and the "Uncertain" thresholds it fitted on the pooled
 * out-of-fold predictions, by the selective study's candidate names. Pure: the
 * one writer of those thresholds into a model is
 * `cipherscan selective --write --thresholds-from CV.json` (apps/cli/commands/selectiveWrite.ts).
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
  for (const k of ['vit', 'cnn', 'ensemble'] as const)
    if (r.totals[k]?.perFold?.length !== r.folds) throw refuse(`has ${k} figures for fewer than ${r.folds} folds`);
  return r as CvReport;
}

/**
 * The report's pooled thresholds by the study's candidate names (singles by folder
 * name, the ensemble by its members where both are named); refused unless each
 * named candidate has one.
 */
export function cvThresholds(
  cv: CvReport,
  reportPath: string,
  names: Partial<Record<'vit' | 'cnn', string>>,
): Record<string, CvThreshold> {
  const keyOf: Partial<Record<CvKind, string>> = { ...names };
  if (names.vit && names.cnn) keyOf.ensemble = `ensemble(${names.vit} + ${names.cnn})`;
  const out: Record<string, CvThreshold> = {};
  for (const k of ['vit', 'cnn', 'ensemble'] as const) {
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
  const { vit, cnn, ensemble } = cv.totals;
  return cv.choice === 'ensemble'
    ? `${cv.folds}-fold cross-validation chose it (${ensemble.k}/${ensemble.n} out-of-fold right answers; ViT ${vit.k}, Masked-CNN ${cnn.k})`
    : `${cv.folds}-fold cross-validation chose ${cv.choice === 'cnn' ? 'Masked-CNN' : 'ViT'} (out-of-fold right answers of ${ensemble.n}: ensemble ${ensemble.k}, ViT ${vit.k}, Masked-CNN ${cnn.k})`;
}
