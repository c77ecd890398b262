/**
 * cardRecipe: the same fingerprint for a card whatever its measurements and later
 * blocks say, another one as soon as a recipe flag or the architecture changes.
 */
import { describe, expect, it } from 'vitest';
import { cardRecipe } from './cardRecipe';

const card = {
  name: 'vit-lung-histopathology',
  architecture: 'vit',
  config: { architecture: 'vit', width: 96, depth: 4, heads: 4, classes: ['a', 'b'] },
  training: {
    epochs: 20,
    batch: 64,
    optimizer: 'AdamW lr 0.0005',
    labelSmoothing: 0.1,
    cutMix: 0.5,
    augmentation: 'histology',
    method: 'PCA whitening, 16 variants',
    viewEnsemble: { candidate: 'dihedral4', chosen: null },
    distillation: null,
    seed: 1,
    poisoning: null,
    bestEpoch: 17,
    seconds: 2281,
    history: [{ epoch: 1 }],
  },
};

describe('cardRecipe', () => {
  it('is a short tag, the same for the same recipe whatever the key order', () => {
    expect(cardRecipe(card)).toMatch(/^fnv1a:[0-9a-f]{8}$/);
    const reversed = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).reverse());
    const reordered = { training: reversed(card.training), config: reversed(card.config), architecture: 'vit' };
    expect(cardRecipe(reordered)).toBe(cardRecipe(card));
  });

  it('ignores what a run measured, its seed and the blocks later commands add', () => {
    const t = card.training;
    for (const other of [
      { ...card, training: { ...t, bestEpoch: 3, seconds: 1, history: [], seed: 2 } },
      { ...card, training: { ...t, viewEnsemble: { ...t.viewEnsemble, chosen: 'dihedral4' } } },
      { ...card, calibration: { temperature: 1.2 }, selective: {}, crossValidation: { folds: 5 }, name: 'renamed' },
    ])
      expect(cardRecipe(other), JSON.stringify(other)).toBe(cardRecipe(card));
  });

  it('changes with a recipe flag or the architecture', () => {
    const t = card.training;
    const others = [
      { ...card, training: { ...t, epochs: 30 } },
      { ...card, training: { ...t, augmentation: 'mri' } },
      { ...card, training: { ...t, cutMix: 0 } },
      { ...card, training: { ...t, method: 'PCA whitening, 6 variants' } },
      { ...card, training: { ...t, viewEnsemble: { candidate: 'mirror' } } },
      { ...card, training: { ...t, distillation: { weight: 0.9 } } },
      { ...card, config: { ...card.config, depth: 6 } },
      { ...card, architecture: 'cnn' },
    ];
    const tags = new Set([cardRecipe(card), ...others.map(cardRecipe)]);
    expect(tags.size).toBe(others.length + 1);
  });

  it('fingerprints a card without a recipe too (every field null), unlike one with', () => {
    expect(cardRecipe({})).toBe(cardRecipe(null));
    expect(cardRecipe({})).not.toBe(cardRecipe(card));
  });
});
