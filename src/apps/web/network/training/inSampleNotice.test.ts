/**
 * The live federated run with a shipped model trained on all labelled data
 * (issue 18): the page says its test accuracies may be in-sample — beside the
 * picked set, in the run's table, totals and live sentence — and quotes the
 * model's cross-validation figure; a model with a held-out Testing split changes
 * nothing.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { fixtureAllLabelledCard } from '../../../../testing/fixtureAllLabelledCard';
import { inSampleNotice } from './inSampleNotice';
import { initialRun, runReducer, type RunEvent } from './rounds';
import { RunTable, runSentence } from './RunResults';

const done = (
  [
    { type: 'started', at: 0 },
    { type: 'roundOpened', round: 1, at: 0 },
    { type: 'contributed', round: 1, seat: 0, bytes: 100 },
    { type: 'closed', round: 1, bytesDown: 200, receivers: [0] },
    { type: 'evaluated', round: 1, accuracy: 0.8123 },
    { type: 'roundEnded', round: 1, at: 10 },
    { type: 'finished', at: 20, phase: 'done' },
  ] as RunEvent[]
).reduce(runReducer, initialRun('ridge', 3));

describe('test accuracies of an all-labelled model on the federated page', () => {
  it('says the model saw its dataset, Testing included, and quotes its cross-validation figure', () => {
    const notice = inSampleNotice('vit-lung-histopathology', fixtureAllLabelledCard());
    expect(notice).toContain('vit-lung-histopathology was trained on all labelled images of lung-histopathology');
    expect(notice).toContain('every test accuracy below is in-sample (optimistic), not held out');
    expect(notice).toContain('96.67 % (95 % interval 95.67–97.17 %; 2,900 of 3,000 right), 5-fold cross-validation');
    expect(inSampleNotice('vit-lung-histopathology', fixtureAllLabelledCard(undefined, { cv: false }))).toContain(
      'quotes no cross-validation figure',
    );
  });

  it('says nothing for a model with a held-out Testing split, or without a card', () => {
    const { data, ...card } = fixtureAllLabelledCard();
    expect(inSampleNotice('m', { ...card, data: { ...data, allLabelled: undefined } })).toBeNull();
    expect(inSampleNotice('m', null)).toBeNull();
  });

  it('marks every test accuracy of the run as possibly in-sample', () => {
    const table = renderToStaticMarkup(createElement(RunTable, { run: done, title: 'Ridge', inSample: true }));
    expect(table).toContain('Test accuracy (may be in-sample)</th>');
    expect(table).toMatch(/Last test\s+accuracy \(may be in-sample: the model trained on all labelled data\)/);
    expect(runSentence(done, 'Ridge', true)).toContain('test accuracy (may be in-sample) 81.2 %');
    const heldOut = renderToStaticMarkup(createElement(RunTable, { run: done, title: 'Ridge' }));
    expect(heldOut).not.toContain('in-sample');
    expect(heldOut).toContain('81.2 %');
    expect(runSentence(done, 'Ridge')).toContain('test accuracy 81.2 %');
  });
});
