/**
 * A model-card.json with the `crossValidation` block scripts/cvCards.ts writes
 * (lib/diagnosis/cvChoice.ts reads it): 5 folds of 600, this recipe's out-of-fold
 * right answers `k` of 3000, and the report's choice. Made-up figures for plumbing
 * only; nothing here is shown as a result.
 */
import { cardRecipe } from '../lib/diagnosis/cardRecipe';
import { cardCrossValidation, type CardCrossValidation, type CvCandidate } from '../lib/diagnosis/cvChoice';

const rate = (k: number, n: number) => ({ k, n, rate: k / n, low: k / n - 0.01, high: Math.min(1, k / n + 0.01) });

export function fixtureCvCard(name: string, k: number, choice: CvCandidate | null = 'vit', folds = 5) {
  return {
    name,
    crossValidation: {
      folds,
      data: 'Training + Testing pooled, stratified seeded folds (scripts/cv-folds.ts --seed 1)',
      accuracy: rate(k, 3000),
      perFold: Array.from({ length: folds }, () => `${Math.round(k / folds)}/600`),
      ensemble: rate(2829, 3000),
      choice,
      command: 'test',
    },
  };
}

/**
 * A `crossValidation.grouped` block as scripts/cv-grouped-cards.ts writes it into `card`
 * (made-up figures): it carries that card's recipe fingerprint, as the reader requires.
 */
export const fixtureGroupedBlock = (k: number, card: unknown, n = 3000) => ({
  folds: 5,
  split: 'lung-histopathology-grouped',
  accuracy: rate(k, n),
  note: 'folds keep every near-duplicate group (presumed original) together',
  source: 'docs/reports/cv-grouped-fixture.json',
  recipe: cardRecipe(card),
});

/** The block as the registry keeps it on a model entry. */

export const fixtureCardCrossValidation = (k: number, choice: CvCandidate | null = 'vit'): CardCrossValidation =>
  cardCrossValidation(fixtureCvCard('x', k, choice))!;

export const FIXTURE_VALIDATION_SPLIT = 'stratified 10 % of Training, seed 1; used to pick the epoch';

/** A card's validation figures as `cipherscan selective` leaves them: data.validation and selective.validation. */
export function fixtureValidationCard(k: number, coverage: number, n = 571, split = FIXTURE_VALIDATION_SPLIT) {
  const rate = k / n;
  return {
    data: { validation: split },
    selective: {
      validation: {
        n,
        accuracy: { k, n, rate, low: rate - 0.02, high: Math.min(1, rate + 0.02) },
        atThreshold: { coverage },
      },
    },
  };
}
