/**
 * The summary's validation figure is the one of what ships: with views when views were chosen;
 * a model trained on all labelled data has no test n.
 */
import { describe, expect, it } from 'vitest';
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
});
