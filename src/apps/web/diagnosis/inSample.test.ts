/**
 * The report view and a model trained on all labelled data (issue 18): its card
 * shows the 5-fold cross-validation out-of-fold figure with its 95 % interval as
 * its accuracy and no Testing figure — even where a Testing block sits in the card
 * or in a committed report about it; a card with a held-out Testing split keeps its
 * Testing blocks.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelEntry } from '../../../lib/diagnosis/registry';
import { fixtureAllLabelledCard } from '../../../testing/fixtureAllLabelledCard';
import { fixtureGroupedBlock } from '../../../testing/fixtureModelCard';
import { allLabelledModels, cardSource, loadModelCards, reportSource } from './reportData';
import { ReportSourceView } from './ReportView';

const CLASSES = ['lung_aca', 'lung_n', 'lung_scc'];
/** A Testing report with a figure found nowhere else (91.23 %). */
const testingReport = () => ({
  n: 300,
  accuracy: 0.9123,
  macroF1: 0.91,
  perClass: CLASSES.map((c) => ({ className: c, precision: 0.9, recall: 0.9, f1: 0.9, support: 100 })),
  confusion: [
    [90, 5, 5],
    [5, 90, 5],
    [3, 3, 94],
  ],
});
const testingRows = () => ({
  n: 300,
  points: [
    { threshold: 0.9, coverage: 0.5, accuracy: 0.9123 },
    { threshold: 0.5, coverage: 1, accuracy: 0.9 },
  ],
  reliability: [
    { confidence: 0.6, accuracy: 0.5, count: 2 },
    { confidence: 0.9, accuracy: 0.9123, count: 9 },
  ],
});

/** The all-labelled card with Testing blocks it must not show (as a later command or a hand merge could leave them). */
const taintedCard = () => ({
  ...fixtureAllLabelledCard(),
  test: { plain: testingReport(), encrypted: testingReport() },
  selective: { validation: { points: [{ coverage: 1, accuracy: 0.95 }] }, testing: testingRows() },
});

const html = (source: ReturnType<typeof cardSource>) =>
  renderToStaticMarkup(createElement(ReportSourceView, { source, open: true }));

describe('an all-labelled model in the report view', () => {
  it('shows the 5-fold out-of-fold figure with its 95 % interval, and no Testing figure', () => {
    const source = cardSource('vit-lung-histopathology', taintedCard());
    expect(source.claim).toMatchObject({ allLabelled: true, crossValidation: { folds: 5 } });
    const page = html(source);
    expect(page).toContain('data-testid="accuracy-claim"');
    expect(page).toContain(
      'Accuracy 96.67 % (95 % interval 95.67–97.17 %; 2,900 of 3,000 right), 5-fold cross-validation (out of fold)',
    );
    expect(page).toContain('no held-out Testing split, so no Testing figure is shown');
    expect(page).toContain('trained on all labelled data');
    // nothing of Testing: not the figure, not a block titled Testing
    expect(page).not.toContain('91.23');
    expect(page).not.toMatch(/› Testing/);
    expect(source.reports).toEqual([]);
    expect(source.plots).toEqual([]);
    expect(source.tables.map((t) => t.title)).toEqual(['vit-lung-histopathology › selective › validation › points']);
    expect(source.histories).toHaveLength(1); // the training curves stay
    expect(page).toContain('data-testid="testing-withheld"');
  });

  it('says it has no accuracy figure when released without a CV report, and invents none', () => {
    const page = html(cardSource('vit-lung-histopathology', fixtureAllLabelledCard(undefined, { cv: false })));
    expect(page).toContain('No accuracy figure (no accuracy figure: run cross-validation');
    expect(page).not.toMatch(/\d+\.\d\d %/);
  });

  it('keeps the Testing blocks of a card with a held-out Testing split, its CV figure beside them', () => {
    const { data, ...rest } = fixtureAllLabelledCard();
    const card = {
      ...rest,
      data: { ...data, allLabelled: undefined },
      crossValidation: { folds: 5, accuracy: { k: 2830, n: 3000, rate: 2830 / 3000, low: 0.9345, high: 0.9511 } },
      test: { plain: testingReport() },
    };
    const source = cardSource('vit-lung-histopathology', card);
    expect(source.reports.map((r) => r.title)).toEqual(['vit-lung-histopathology › test › plain']);
    const page = html(source);
    expect(page).toContain('91.23 %');
    expect(page).toContain('Cross-validation of its recipe: 94.33 % (95 % interval 93.45–95.11 %');
    expect(page).not.toContain('testing-withheld');
  });
});

describe('a card that quotes grouped folds', () => {
  /** the card with a grouped block (90.40 %, made up) beside its per-image figure (96.67 %) */
  const withGrouped = (
    card: ReturnType<typeof fixtureAllLabelledCard>,
    grouped: unknown = fixtureGroupedBlock(2712, card),
  ) => ({
    ...card,
    crossValidation: { ...card.crossValidation, grouped },
  });
  const GROUPED =
    'On held-out originals (grouped folds): 90.40 % (95 % interval 89.40–91.40 %; 2,712 of 3,000 right), 5-fold cross-validation (out of fold)';

  it("shows an all-labelled model's grouped figure first, the per-image one labelled optimistic", () => {
    const source = cardSource('vit-lung-histopathology', withGrouped(fixtureAllLabelledCard()));
    expect(source.claim?.crossValidation?.grouped?.accuracy.k).toBe(2712);
    const page = html(source);
    expect(page).toContain(GROUPED);
    expect(page).toContain(
      'Per-image folds, where copies of a held-out image&#x27;s original may have been trained on (optimistic for unseen tissue): 96.67 % (95 % interval 95.67–97.17 %',
    );
    expect(page.indexOf('On held-out originals')).toBeLessThan(page.indexOf('Per-image folds'));
    expect(page).toContain('no held-out Testing split, so no Testing figure is shown');
  });

  it('shows it beside the Testing figures of a card with a held-out Testing split', () => {
    const { data, ...rest } = withGrouped(fixtureAllLabelledCard());
    const page = html(cardSource('vit-lung-histopathology', { ...rest, data: { ...data, allLabelled: undefined } }));
    expect(page).toContain(`Cross-validation of its recipe, Training + Testing pooled. ${GROUPED}.`);
    expect(page).toContain('Per-image folds, where copies');
  });

  it('shows a block of grouped folds (the release run) as its grouped figure alone, with no per-image line', () => {
    const card = fixtureAllLabelledCard();
    const source = cardSource('vit-lung-histopathology', {
      ...card,
      crossValidation: { ...card.crossValidation, split: 'lung-histopathology-grouped' },
    });
    const page = html(source);
    expect(page).toContain(
      'On held-out originals (grouped folds): 96.67 % (95 % interval 95.67–97.17 %; 2,900 of 3,000 right), 5-fold cross-validation (out of fold), Training + Testing pooled.',
    );
    expect(page).not.toContain('Per-image folds');
    expect(page).toContain('no held-out Testing split, so no Testing figure is shown');
  });

  it('shows only the per-image figure where the grouped block does not read', () => {
    const page = html(
      cardSource(
        'vit-lung-histopathology',
        withGrouped(fixtureAllLabelledCard(), {
          ...fixtureGroupedBlock(2712, fixtureAllLabelledCard()),
          split: 'lung',
        }),
      ),
    );
    expect(page).toContain('Accuracy 96.67 % (95 % interval 95.67–97.17 %');
    expect(page).not.toContain('held-out originals');
    expect(page).not.toContain('90.40');
  });
});

describe('committed reports about an all-labelled model', () => {
  const allLabelled = new Set(['vit-lung-histopathology']);

  it('draws no block of an eval report of it on Testing', () => {
    const evalReport = {
      model: 'vit-lung-histopathology',
      data: 'lung-histopathology/Testing',
      n: 300,
      plain: testingReport(),
      encrypted: testingReport(),
    };
    const source = reportSource('docs/reports/vit-lung-histopathology.json', evalReport, allLabelled);
    expect(source.reports).toEqual([]);
    expect(source.withheld).toMatch(/^2 Testing blocks not shown: vit-lung-histopathology was trained on all labelled/);
    expect(html(source)).not.toContain('91.23');
    // the same report of a model with a held-out Testing split is drawn
    expect(reportSource('docs/reports/x.json', evalReport, new Set()).reports).toHaveLength(2);
  });

  it('drops its Testing rows from a selective study, keeping its validation rows and the other models', () => {
    const study = {
      candidates: [
        { name: 'vit-lung-histopathology', validation: testingRows(), testing: testingRows() },
        { name: 'cnn-lung-histopathology', validation: testingRows(), testing: testingRows() },
        { name: 'ensemble(vit-lung-histopathology + cnn-lung-histopathology)', testing: testingRows() },
      ],
    };
    const source = reportSource('docs/reports/selective-lung-histopathology.json', study, allLabelled);
    const titles = [...source.tables, ...source.plots].map((b) => b.title);
    expect(titles.some((t) => /vit-lung-histopathology.*testing/.test(t))).toBe(false);
    expect(titles).toContain('selective-lung-histopathology › candidates › vit-lung-histopathology › validation');
    expect(titles).toContain('selective-lung-histopathology › candidates › cnn-lung-histopathology › testing');
  });
});

describe('loading the cards', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('tells which models trained on all labelled data, from the served cards', async () => {
    const cards: Record<string, unknown> = {
      '/models/vit-lung-histopathology/model-card.json': taintedCard(),
      '/models/cnn-lung-histopathology/model-card.json': {
        name: 'cnn-lung-histopathology',
        test: { plain: testingReport() },
      },
    };
    vi.stubGlobal('fetch', async (url: string) => ({ ok: true, status: 200, json: async () => cards[url] }));
    const entry = (name: string) =>
      ({ name, architecture: name.slice(0, 3), url: `/models/${name}/`, classes: CLASSES }) as unknown as ModelEntry;
    const sources = await loadModelCards([entry('vit-lung-histopathology'), entry('cnn-lung-histopathology')]);
    expect([...allLabelledModels(sources)]).toEqual(['vit-lung-histopathology']);
    expect(sources[0].reports).toEqual([]);
    expect(sources[1].reports).toHaveLength(1);
  });
});
