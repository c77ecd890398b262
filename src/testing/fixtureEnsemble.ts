/**
 * A valid ensemble.json spec for tests (lib/diagnosis/ensemble.ts), over the
 * fixture models' classes: cross-validation figures in which the ensemble wins.
 * Made-up figures for parsing and plumbing only; nothing here is shown as a result.
 */
import type { EnsembleRate, EnsembleSpec } from '../lib/diagnosis/ensemble';
import { ENSEMBLE_COMBINE } from '../lib/diagnosis/ensemble';
import { FIXTURE_CLASSES } from './fixtureModel';

const r = (k: number, n: number): EnsembleRate => ({
  k,
  n,
  rate: k / n,
  low: k / n - 0.01,
  high: Math.min(1, k / n + 0.01),
});

export function fixtureEnsembleSpec(overrides: Partial<EnsembleSpec> = {}, dataset = 'brain-mri'): EnsembleSpec {
  return {
    dataset,
    classes: FIXTURE_CLASSES,
    members: [
      { name: `vit-${dataset}`, architecture: 'vit', temperature: 1 },
      { name: `cnn-${dataset}`, architecture: 'cnn', temperature: 1 },
    ],
    combine: ENSEMBLE_COMBINE,
    minConfidence: 0.5,
    threshold: { rule: 'test rule', targetAccuracy: 0.97, n: 100, fittedOn: 'test split' },
    testing: { n: 300, accuracy: r(290, 300), coverage: 0.9, accuracyOfAnswers: r(268, 270) },
    crossValidation: {
      folds: 5,
      report: 'docs/reports/cv-test.json',
      outOfFold: { vit: r(2900, 3000), cnn: r(2880, 3000), ensemble: r(2930, 3000) },
    },
    command: 'test',
    ...overrides,
  };
}
