/**
 * A synthetic k-fold cross-validation report (what scripts/cv-report.ts writes as
 * docs/reports/cv-DS.json) for the release tests: 5 folds of 600, every fold scored,
 * the ensemble chosen, and pooled "Uncertain" thresholds per candidate. Made-up
 * figures for plumbing only; nothing here is shown as a result.
 */
import type { CvReport } from '../learn/evaluation/cvReport';
import { ABSTENTION_RULE } from '../learn/evaluation/selective';

const rate = (k: number, n: number) => ({ k, n, rate: k / n, low: k / n - 0.01, high: Math.min(1, k / n + 0.005) });

/** The pooled thresholds, chosen so that no fit on a handful of images lands on them by chance. */
export const FIXTURE_CV_THRESHOLDS = { vit: 0.4123456789, cnn: 0.3987654321, ensemble: 0.3765432198 };

export function fixtureCvReport(patch: Partial<CvReport> = {}, dataset = 'lung-histopathology'): CvReport {
  const fold = (k: number) => Array.from({ length: 5 }, () => `${k}/600`);
  const pooled = (minConfidence: number) => ({
    nested: { coverage: 0.8, accuracy: rate(2400, 2430) },
    minConfidence,
    n: 3000,
    fittedOn: '3000 out-of-fold predictions',
    rule: ABSTENTION_RULE,
  });
  return {
    dataset,
    folds: 5,
    scored: 5,
    missing: [],
    totals: {
      vit: { k: 2900, n: 3000, perFold: fold(580) },
      cnn: { k: 2880, n: 3000, perFold: fold(576) },
      ensemble: { k: 2930, n: 3000, perFold: fold(586) },
    },
    rates: { vit: rate(2900, 3000), cnn: rate(2880, 3000), ensemble: rate(2930, 3000) },
    choice: 'ensemble',
    pooledThreshold: {
      vit: pooled(FIXTURE_CV_THRESHOLDS.vit),
      cnn: pooled(FIXTURE_CV_THRESHOLDS.cnn),
      ensemble: pooled(FIXTURE_CV_THRESHOLDS.ensemble),
    },
    ...patch,
  };
}
