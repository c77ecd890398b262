/**
 * The model picker says why a dataset's default is the default, tied to that
 * model's button by aria-describedby: the single network its cross-validation
 * chose (figures from the cards), or the shipped ensemble (figures from
 * ensemble.json); no line where nothing says which.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../../lib/diagnosis/registry';
import { fixtureCardCrossValidation } from '../../../testing/fixtureModelCard';
import { fixtureEnsembleSpec } from '../../../testing/fixtureEnsemble';
import { ModelPickerView } from './ModelPicker';

const LUNG = 'lung-histopathology' as const;
const entry = (architecture: 'vit' | 'cnn', k?: number): ModelEntry => ({
  name: `${architecture}-${LUNG}`,
  architecture,
  dataset: LUNG,
  url: `/models/${architecture}-${LUNG}/`,
  classes: ['lung_aca', 'lung_n', 'lung_scc'],
  weightsBytes: 1,
  dtype: 'float16',
  allLabelled: false,
  ...(k === undefined ? {} : { crossValidation: fixtureCardCrossValidation(k) }),
});

/** the picker's markup, with the models given and the lung dataset chosen */
const picker = (models: ModelEntry[]): string =>
  renderToStaticMarkup(
    createElement(ModelPickerView, { models, dataset: LUNG, architecture: 'vit', busy: false, choose: () => {} }),
  );
/** the model button's opening tag */
const button = (html: string, architecture: string) =>
  html.match(new RegExp(`<button[^>]*data-testid="model-arch-${architecture}"[^>]*>`))?.[0] ?? '';

describe('ModelPicker', () => {
  it("says why the single network cross-validation chose is the default, from the cards' figures", () => {
    const html = picker([entry('vit', 2830), entry('cnn', 2795)]);
    expect(html).toContain(
      '<p class="hint default-why" id="default-why" data-testid="default-why">ViT is the default here: ' +
        'best in 5-fold cross-validation — ViT 94.3 % vs Masked-CNN 93.2 % (out of fold).</p>',
    );
    expect(button(html, 'vit')).toContain('aria-describedby="default-why"');
    expect(button(html, 'cnn')).not.toContain('aria-describedby');
  });

  it("adds the default's grouped figure to the same line where its card quotes one", () => {
    const vit = entry('vit', 2830);
    const grouped = { folds: 5, split: `${LUNG}-grouped`, accuracy: fixtureCardCrossValidation(2712).accuracy };
    const html = picker([{ ...vit, crossValidation: { ...vit.crossValidation!, grouped } }, entry('cnn', 2795)]);
    expect(html).toContain(
      'best in 5-fold cross-validation — ViT 94.3 % vs Masked-CNN 93.2 % (out of fold); 90.4 % on held-out originals (grouped folds).</p>',
    );
  });

  it('says nothing where no card names a network', () => {
    const html = picker([entry('vit'), entry('cnn')]);
    expect(html).not.toContain('default-why');
    expect(button(html, 'vit')).not.toContain('aria-describedby');
  });

  it('the shipped ensemble is the default, with the figures of its ensemble.json', () => {
    const ensemble: ModelEntry = {
      ...entry('vit'),
      name: `ensemble-${LUNG}`,
      architecture: 'ensemble',
      ensemble: fixtureEnsembleSpec({}, LUNG),
    };
    const html = picker([entry('vit', 2830), entry('cnn', 2795), ensemble]);
    expect(html).toContain(
      'ViT + Masked-CNN (ensemble) is the default here: best in 5-fold cross-validation: 97.7 % vs 96.7 % (ViT)',
    );
    expect(button(html, 'ensemble')).toContain('aria-describedby="default-why"');
    expect(button(html, 'vit')).not.toContain('aria-describedby');
  });
});
