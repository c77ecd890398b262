/** A card's cross-validation block reads as written by scripts/cvCards.ts, or not at all; the line says why with its figures. */
import { describe, expect, it } from 'vitest';
import { fixtureCardCrossValidation, fixtureCvCard, fixtureGroupedBlock } from '../../testing/fixtureModelCard';
import { cardRecipe } from './cardRecipe';
import { cardCrossValidation, singleDefaultWhy } from './cvChoice';

describe('cardCrossValidation', () => {
  it('reads the folds, the out-of-fold accuracy and the choice', () => {
    const cv = cardCrossValidation(fixtureCvCard('vit-x', 2850, 'vit'));
    expect(cv).toEqual({ folds: 5, accuracy: fixtureCvCard('vit-x', 2850).crossValidation.accuracy, choice: 'vit' });
    expect(cardCrossValidation(fixtureCvCard('vit-x', 2850, null))?.choice).toBeNull();
  });

  it('gives nothing for a card without a readable block', () => {
    const good = fixtureCvCard('vit-x', 2850).crossValidation;
    for (const card of [
      { name: 'no block' },
      null,
      'text',
      { crossValidation: { ...good, folds: 1 } },
      { crossValidation: { ...good, choice: 'forest' } },
      { crossValidation: { ...good, accuracy: { ...good.accuracy, k: 4000 } } },
      { crossValidation: { ...good, accuracy: { ...good.accuracy, rate: 94.3 } } },
      { crossValidation: { ...good, accuracy: undefined } },
    ])
      expect(cardCrossValidation(card), JSON.stringify(card)).toBeUndefined();
  });

  it('reads a grouped block beside the per-image figure', () => {
    const card = fixtureCvCard('vit-x', 2850);
    const grouped = fixtureGroupedBlock(2700, card);
    const cv = cardCrossValidation({ ...card, crossValidation: { ...card.crossValidation, grouped } });
    expect(cv?.accuracy).toEqual(card.crossValidation.accuracy);
    expect(cv?.grouped).toEqual({ folds: 5, split: 'lung-histopathology-grouped', accuracy: grouped.accuracy });
  });

  it('reads a block of grouped folds as its own grouped figure, whatever sub-block it keeps', () => {
    const card = fixtureCvCard('vit-x', 2830);
    const split = 'lung-histopathology-grouped';
    const stale = fixtureGroupedBlock(2600, card);
    const cv = cardCrossValidation({ ...card, crossValidation: { ...card.crossValidation, split, grouped: stale } });
    expect(cv).toEqual({
      folds: 5,
      accuracy: card.crossValidation.accuracy,
      choice: 'vit',
      grouped: { folds: 5, split, accuracy: card.crossValidation.accuracy },
      groupedFolds: true,
    });
    // a split that is not grouped is the per-image block it always was
    const perImage = cardCrossValidation({ ...card, crossValidation: { ...card.crossValidation, split: 'x' } });
    expect(perImage?.groupedFolds).toBeUndefined();
  });

  it("drops the grouped block once the card's recipe is not the one it was written for", () => {
    const card = { ...fixtureCvCard('vit-x', 2850), training: { epochs: 20, augmentation: 'histology' } };
    const crossValidation = { ...card.crossValidation, grouped: fixtureGroupedBlock(2700, card) };
    expect(cardCrossValidation({ ...card, crossValidation })?.grouped?.accuracy.k).toBe(2700);
    // a retrain for 30 epochs that kept the block: the figure is of the 20-epoch recipe
    const retrained = { ...card, training: { ...card.training, epochs: 30 }, crossValidation };
    expect(cardCrossValidation(retrained)?.grouped).toBeUndefined();
    expect(cardCrossValidation(retrained)?.accuracy.k).toBe(2850);
  });

  it('drops an unreadable grouped block, and only it', () => {
    const card = fixtureCvCard('vit-x', 2850);
    const good = fixtureGroupedBlock(2700, card);
    for (const grouped of [
      'text',
      { ...good, folds: 1 },
      { ...good, split: 'lung-histopathology' },
      { ...good, split: '-grouped' },
      { ...good, split: undefined },
      { ...good, accuracy: { ...good.accuracy, k: 4000 } },
      { ...good, accuracy: { ...good.accuracy, high: 1.2 } },
      { ...good, accuracy: undefined },
      // written before the recipe fingerprint, or for another recipe than the card's
      { ...good, recipe: undefined },
      { ...good, recipe: cardRecipe({ ...card, training: { epochs: 30 } }) },
    ]) {
      const cv = cardCrossValidation({ ...card, crossValidation: { ...card.crossValidation, grouped } });
      expect(cv, JSON.stringify(grouped)).toEqual(cardCrossValidation(card));
      expect(cv?.grouped).toBeUndefined();
    }
  });
});

describe('singleDefaultWhy', () => {
  const vit = { architecture: 'vit' as const, crossValidation: fixtureCardCrossValidation(2850) };
  it("names both networks' out-of-fold accuracy where both cards come from the one cross-validation", () => {
    const cnn = { architecture: 'cnn' as const, crossValidation: fixtureCardCrossValidation(2790) };
    expect(singleDefaultWhy(vit, cnn)).toBe(
      'best in 5-fold cross-validation — ViT 95.0 % vs Masked-CNN 93.0 % (out of fold)',
    );
  });
  it('only its own figure where the other card has none or another choice', () => {
    for (const other of [
      undefined,
      { architecture: 'cnn' as const },
      { architecture: 'cnn' as const, crossValidation: fixtureCardCrossValidation(2790, 'cnn') },
    ])
      expect(singleDefaultWhy(vit, other)).toBe('chosen by 5-fold cross-validation — ViT 95.0 % (out of fold)');
  });
  it('says the choice was made on held-out originals where both blocks are of grouped folds', () => {
    const g = (k: number) => {
      const cv = fixtureCardCrossValidation(k);
      return { ...cv, grouped: { folds: 5, split: 'x-grouped', accuracy: cv.accuracy }, groupedFolds: true as const };
    };
    const chosen = { architecture: 'vit' as const, crossValidation: g(2830) };
    expect(singleDefaultWhy(chosen, { architecture: 'cnn', crossValidation: g(2773) })).toBe(
      'best in 5-fold cross-validation on held-out originals (grouped folds) — ViT 94.3 % vs Masked-CNN 92.4 %',
    );
    // another grouped split is another run: no comparison
    const elsewhere = { ...g(2773), grouped: { folds: 5, split: 'y-grouped', accuracy: g(2773).accuracy } };
    expect(singleDefaultWhy(chosen, { architecture: 'cnn', crossValidation: elsewhere })).toBe(
      'chosen by 5-fold cross-validation on held-out originals (grouped folds) — ViT 94.3 %',
    );
    // the other card still quoting per-image folds is another run: no comparison
    expect(singleDefaultWhy(chosen, { architecture: 'cnn', crossValidation: fixtureCardCrossValidation(2790) })).toBe(
      'chosen by 5-fold cross-validation on held-out originals (grouped folds) — ViT 94.3 %',
    );
  });

  it("adds the chosen network's grouped figure where its card quotes one", () => {
    const grouped = { folds: 5, split: 'x-grouped', accuracy: fixtureCardCrossValidation(2700).accuracy };
    const withGrouped = { ...vit, crossValidation: { ...vit.crossValidation, grouped } };
    expect(singleDefaultWhy(withGrouped)).toBe(
      'chosen by 5-fold cross-validation — ViT 95.0 % (out of fold); 90.0 % on held-out originals (grouped folds)',
    );
  });
});
