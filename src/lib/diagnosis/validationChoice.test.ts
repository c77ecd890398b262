/**
 * The default where no cross-validation chose: more right answers on the validation split
 * both cards name; nothing on a tie, on different splits, or with a figure missing.
 */
import { describe, expect, it } from 'vitest';
import { fixtureValidationCard, FIXTURE_VALIDATION_SPLIT as SPLIT } from '../../testing/fixtureModelCard';
import { cardValidation, validationDefault } from './validationChoice';

describe('cardValidation', () => {
  it('reads the split, the accuracy and the share answered; nothing from a card without them', () => {
    expect(cardValidation(fixtureValidationCard(538, 0.7496))).toMatchObject({
      split: SPLIT,
      accuracy: { k: 538, n: 571 },
      answered: 0.7496,
    });
    for (const bad of [undefined, {}, { data: { validation: SPLIT } }, { ...fixtureValidationCard(538, 1.5) }])
      expect(cardValidation(bad)).toBeUndefined();
  });
});

describe('validationDefault', () => {
  type Single = { architecture: 'vit' | 'cnn'; validation?: ReturnType<typeof cardValidation> };
  const vit: Single = { architecture: 'vit', validation: cardValidation(fixtureValidationCard(530, 0.27145))! };
  const cnn: Single = { architecture: 'cnn', validation: cardValidation(fixtureValidationCard(538, 0.7496))! };

  it('the one with more right answers, whichever comes first, with the basis in words', () => {
    for (const [a, b] of [
      [vit, cnn],
      [cnn, vit],
    ]) {
      const d = validationDefault(a, b);
      expect(d?.entry).toBe(cnn);
      expect(d?.why).toBe(
        'more right answers on the validation split (571 scans, stratified 10 % of Training, seed 1; no ' +
          'cross-validation of these models yet) — Masked-CNN 94.2 % vs ViT 92.8 %; it gives a class to 75.0 % ' +
          'of them at its "Uncertain" threshold, against the ViT\'s 27.1 %',
      );
    }
  });

  it('none on a tie, on another split, on another count, or with a figure missing', () => {
    const tie = { ...vit, validation: cardValidation(fixtureValidationCard(538, 0.3))! };
    const otherSplit = { ...vit, validation: cardValidation(fixtureValidationCard(500, 0.3, 571, 'seed 2'))! };
    const otherCount = { ...vit, validation: cardValidation(fixtureValidationCard(500, 0.3, 600))! };
    for (const a of [tie, otherSplit, otherCount, { architecture: 'vit' } as Single])
      expect(validationDefault(a, cnn)).toBeUndefined();
  });
});
