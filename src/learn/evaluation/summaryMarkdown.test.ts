/**
 * The summary's validation figure is the one of what ships: with views when views were chosen;
 * a model trained on all labelled data has no test n, and its card's out-of-fold figure instead.
 */
import { describe, expect, it } from 'vitest';
import { fixtureAllLabelledCard } from '../../testing/fixtureAllLabelledCard';
import { fixtureGroupedBlock } from '../../testing/fixtureModelCard';
import { shippedValAccuracy, summaryMarkdown, type CardSummary } from './summaryMarkdown';

const card = (training: Partial<CardSummary['training']>): CardSummary => ({
  name: 'm',
  architecture: 'cnn',
  parameters: 1,
  files: { weightsBytes: 1, dtype: 'float16' },
  data: { dataset: 'd', trainImages: 1, validationImages: 1, testImages: 1 },
  training: {
    epochs: 1,
    bestEpoch: 1,
    bestValAccuracy: 0.9,
    seconds: 1,
    secondsPerEpoch: 1,
    distillation: null,
    ...training,
  },
});

describe('shippedValAccuracy', () => {
  it('takes the ensemble figure when views were chosen, the single one when not, the card figure without a record', () => {
    expect(
      shippedValAccuracy(
        card({ viewEnsemble: { chosen: 'dihedral4', single: { accuracy: 0.937 }, ensemble: { accuracy: 0.9407 } } }),
      ),
    ).toBe(0.9407);
    expect(
      shippedValAccuracy(
        card({ viewEnsemble: { chosen: null, single: { accuracy: 0.93 }, ensemble: { accuracy: 0.92 } } }),
      ),
    ).toBe(0.93);
    expect(shippedValAccuracy(card({}))).toBe(0.9);
  });
});

describe('summaryMarkdown', () => {
  it('gives a model trained on all labelled data no test n', () => {
    const allLabelled = card({});
    allLabelled.data = { dataset: 'd', trainImages: 9, validationImages: 1, allLabelled: true };
    const md = summaryMarkdown([{ card: allLabelled }]);
    expect(md).toContain('| m | none (trained on all labelled data) | – |');
    expect(summaryMarkdown([{ card: card({}) }])).toContain('| m | 1 | – |');
  });

  it("gives it its card's out-of-fold figure, labelled as cross-validation and apart from the Testing table", () => {
    const cv = fixtureAllLabelledCard();
    const allLabelled = { ...card({}), name: cv.name, data: { ...cv.data }, crossValidation: cv.crossValidation };
    const md = summaryMarkdown([{ card: allLabelled }, { card: card({}) }]);
    const section = md.slice(md.indexOf('## Models trained on all labelled data'), md.indexOf('## Test-time'));
    expect(section).toContain(
      '| vit-lung-histopathology | 96.67 % (out of fold, 5-fold CV) | 95.67 % – 97.17 % | 2900 / 3000 |',
    );
    expect(section).not.toContain('| m |'); // a model with a held-out Testing split has its Testing figures above
    expect(md.slice(0, md.indexOf('## Models trained'))).not.toContain('96.67 %');
    const { crossValidation: _, ...noCv } = allLabelled;
    expect(summaryMarkdown([{ card: noCv }])).toContain(
      '| vit-lung-histopathology | none: its card quotes no cross-validation figure |',
    );
    expect(summaryMarkdown([{ card: card({}) }])).not.toContain('## Models trained on all labelled data');
    expect(md).not.toMatch(/grouped folds/i);
  });

  it("gives the grouped folds' figure first where the card quotes one, the per-image one marked optimistic", () => {
    const cv = fixtureAllLabelledCard();
    const base = { ...card({}), name: cv.name, data: { ...cv.data } };
    const allLabelled = {
      ...base,
      crossValidation: { ...cv.crossValidation, grouped: fixtureGroupedBlock(2712, base) },
    };
    const md = summaryMarkdown([{ card: allLabelled }]);
    const section = md.slice(md.indexOf('## Models trained on all labelled data'), md.indexOf('## Test-time'));
    expect(section).toContain(
      '| vit-lung-histopathology | 90.40 % (held-out originals: out of fold, 5-fold CV, grouped folds) | 89.40 % – 91.40 % | 2712 / 3000 |\n' +
        '| vit-lung-histopathology | 96.67 % (out of fold, 5-fold CV, per-image folds: optimistic for unseen tissue) | 95.67 % – 97.17 % | 2900 / 3000 |',
    );
    expect(section).toContain('Grouped folds keep every near-duplicate group (presumed original) in one fold');
  });

  it('gives a block of grouped folds (the release run) one grouped row, no per-image one', () => {
    const cv = fixtureAllLabelledCard();
    const base = { ...card({}), name: cv.name, data: { ...cv.data } };
    const released = { ...base, crossValidation: { ...cv.crossValidation, split: 'lung-histopathology-grouped' } };
    const md = summaryMarkdown([{ card: released }]);
    const section = md.slice(md.indexOf('## Models trained on all labelled data'), md.indexOf('## Test-time'));
    expect(section).toContain(
      '| vit-lung-histopathology | 96.67 % (held-out originals: out of fold, 5-fold CV, grouped folds) | 95.67 % – 97.17 % | 2900 / 3000 |',
    );
    expect(section).not.toContain('per-image folds');
    expect(section.match(/\| vit-lung-histopathology \|/g)).toHaveLength(1);
  });
});
