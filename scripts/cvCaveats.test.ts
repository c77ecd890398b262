/**
 * A report says every way its fold models are not the shipped recipe, and nothing where they are:
 * each field changed alone on an otherwise shipped card gives its own sentence.
 */
import { describe, expect, it } from 'vitest';
import { recipeCaveat, type ModelFacts } from './cvCaveats';

const METHOD = 'patch embedding set by PCA whitening of training blocks (96 components) and kept fixed';
const shipped: ModelFacts = {
  training: {
    augmentation: 'histology',
    epochs: 30,
    method: METHOD,
    seed: 1,
    batch: 64,
    optimizer: 'AdamW lr 0.0005',
    labelSmoothing: 0.1,
    cutMix: 0.5,
    distillation: null,
    poisoning: null,
    viewEnsemble: { candidate: 'dihedral4', chosen: null },
  },
  config: { architecture: 'vit', width: 96, depth: 4, heads: 4, mlpDim: 192, tokenMlpDim: 192 },
};
const fold = (training: Partial<ModelFacts['training']> = {}, config: Record<string, unknown> = {}): ModelFacts => ({
  training: { ...shipped.training, ...training },
  config: { ...shipped.config, ...config },
});

describe('recipeCaveat', () => {
  it('says nothing for the shipped recipe, whichever views each fold chose on its validation', () => {
    const chose = fold({
      method: `${METHOD}; test-time view ensemble "dihedral4" (chosen on validation)`,
      viewEnsemble: { candidate: 'dihedral4', chosen: 'dihedral4' },
    });
    expect(recipeCaveat('vit', [fold(), chose], shipped)).toBe('');
  });

  it.each([
    ['seed', fold({ seed: 2 }), /trained with seed 2, the shipped vit with seed 1: another draw/],
    ['width', fold({}, { width: 128, mlpDim: 256 }), /are width 128, depth 4, heads 4, mlpDim 256.*another network/],
    ['epochs', fold({ epochs: 40 }), /for 40 epochs, the shipped vit for 30/],
    [
      'method',
      fold({ method: `${METHOD}; validated and released: the moving average` }),
      /moving average.*another method/,
    ],
    ['batch', fold({ batch: 32 }), /fold models' batch differ from the shipped vit's/],
    [
      'views set after training',
      fold({ viewEnsemble: { chosen: 'dihedral8', setAfterTraining: 'set by cv-views' } }),
      /views \("dihedral8"\) were set after training/,
    ],
  ])('names a changed %s, once per run', (_, changed, sentence) => {
    const caveat = recipeCaveat('vit', [changed, changed], shipped);
    expect(caveat).toMatch(sentence);
    expect(caveat.split('. The ').length).toBe(1); // that field only
  });

  it('lists every value where the folds differ among themselves', () => {
    expect(recipeCaveat('vit', [fold(), fold({ seed: 2 })], shipped)).toMatch(
      /trained with seed 1, 2, the shipped vit with seed 1/,
    );
  });
});
