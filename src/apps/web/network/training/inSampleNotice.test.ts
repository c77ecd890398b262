/**
 * The live federated run with a shipped model trained on all labelled data
 * (issue 18): the page says its test accuracies may be in-sample — beside the
 * picked set, in the run's table, totals and live sentence — and quotes the
 * model's cross-validation figure, all from the model's entry (discovery's one
 * read of its card); a model with a held-out Testing split changes nothing.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { discoverModels, type ModelEntry } from '../../../../lib/diagnosis/registry';
import { fixtureAllLabelledCard } from '../../../../testing/fixtureAllLabelledCard';
import { fixtureModelFiles } from '../../../../testing/fixtureModel';
import { fixtureGroupedBlock } from '../../../../testing/fixtureModelCard';
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

/** the model's entry as discovery makes it, with this card (or text) served beside its model.json (none: no card) */
async function discovered(card?: unknown): Promise<ModelEntry> {
  const name = 'vit-lung-histopathology';
  const served: Record<string, string> = {
    [`/models/${name}/model.json`]: fixtureModelFiles('vit', 1, { depth: 1 }).manifestText,
    ...(card === undefined
      ? {}
      : { [`/models/${name}/model-card.json`]: typeof card === 'string' ? card : JSON.stringify(card) }),
  };
  const fetcher = async (url: string) => {
    const body = served[new URL(url).pathname];
    return { ok: body !== undefined, status: body !== undefined ? 200 : 404, text: async () => body ?? '' };
  };
  return (await discoverModels('http://localhost/', fetcher)).find((m) => m.name === name)!;
}

describe('test accuracies of an all-labelled model on the federated page', () => {
  it('says the model saw its dataset, Testing included, and quotes its cross-validation figure', async () => {
    const notice = inSampleNotice(await discovered(fixtureAllLabelledCard()));
    expect(notice).toContain('vit-lung-histopathology was trained on all labelled images of lung-histopathology');
    expect(notice).toContain('every test accuracy below is in-sample (optimistic), not held out');
    expect(notice).toContain('96.67 % (95 % interval 95.67–97.17 %; 2,900 of 3,000 right), 5-fold cross-validation');
    expect(inSampleNotice(await discovered(fixtureAllLabelledCard(undefined, { cv: false })))).toContain(
      'quotes no cross-validation figure',
    );
  });

  it("quotes the grouped folds' figure where the card has one", async () => {
    const card = fixtureAllLabelledCard();
    const notice = inSampleNotice(
      await discovered({
        ...card,
        crossValidation: { ...card.crossValidation, grouped: fixtureGroupedBlock(2712, card) },
      }),
    );
    expect(notice).toContain(
      'Its accuracy on held-out originals (grouped folds), the better estimate for unseen tissue of the same source: 90.40 % (95 % interval 89.40–91.40 %',
    );
    expect(notice).not.toContain('96.67');
  });

  it('quotes the main figure as the grouped one where the block itself is of grouped folds (the release run)', async () => {
    const card = fixtureAllLabelledCard();
    const notice = inSampleNotice(
      await discovered({ ...card, crossValidation: { ...card.crossValidation, split: 'lung-histopathology-grouped' } }),
    );
    expect(notice).toContain(
      'Its accuracy on held-out originals (grouped folds), the better estimate for unseen tissue of the same source: 96.67 % (95 % interval 95.67–97.17 %',
    );
    expect(notice).not.toContain('per-image');
    // a split that does not say its folds are grouped is not taken for them
    const other = inSampleNotice(
      await discovered({ ...card, crossValidation: { ...card.crossValidation, split: 'lung-histopathology' } }),
    );
    expect(other).not.toContain('grouped folds');
  });

  it("follows the entry's allLabelled, not the presence of a cross-validation figure", async () => {
    const entry = await discovered(fixtureAllLabelledCard());
    expect(entry.crossValidation).toBeDefined();
    expect(inSampleNotice({ ...entry, allLabelled: false })).toBeNull();
    expect(inSampleNotice({ ...entry, cardDataset: undefined })).toContain('all labelled images of its dataset');
  });

  it('says nothing for a model with a held-out Testing split, or without a card', async () => {
    const { data, ...card } = fixtureAllLabelledCard();
    expect(inSampleNotice(await discovered({ ...card, data: { ...data, allLabelled: undefined } }))).toBeNull();
    expect(inSampleNotice(await discovered())).toBeNull();
    expect(inSampleNotice(await discovered('<!doctype html>'))).toBeNull();
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
