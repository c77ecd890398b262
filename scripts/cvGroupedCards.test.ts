/**
 * scripts/cv-grouped-cards.ts carries a grouped cross-validation report to the cards of
 * the architectures it scored, refuses a report with a fold missing or per-image folds,
 * and gives the same files on a re-run. Fixture reports and cards (made-up figures).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardRecipe } from '../src/lib/diagnosis/cardRecipe';
import { cardCrossValidation } from '../src/lib/diagnosis/cvChoice';
import { writeCrossValidationCard } from './cvCards';
import { groupedFigures, writeGroupedCards } from './cvGroupedCards';

const SOURCE = 'docs/reports/cv-grouped-fixture.json';
const rate = (k: number, n: number) => ({ k, n, rate: k / n, low: k / n - 0.012, high: k / n + 0.01 });
const report = (over: Record<string, unknown> = {}) => ({
  dataset: 'lung-histopathology',
  split: 'lung-histopathology-grouped',
  grouped: true,
  folds: 5,
  scored: 5,
  missing: [],
  totals: { vit: { k: 2712, n: 3000 } },
  rates: { vit: rate(2712, 3000) },
  ...over,
});
const PER_IMAGE = { folds: 5, accuracy: rate(2830, 3000), choice: 'vit' };
const CARD = (arch: string) =>
  JSON.stringify({ name: arch, training: { epochs: 20, augmentation: 'histology' }, crossValidation: PER_IMAGE });
const README = '# model\n\n## Cross-validation of this recipe\n\nper-image figure\n';

let models: string;
const card = (arch: string) => join(models, `${arch}-lung-histopathology`);
const read = (arch: string, file: string) => readFile(join(card(arch), file), 'utf8');
beforeEach(async () => {
  models = await mkdtemp(join(tmpdir(), 'cipherscan-cv-grouped-'));
  for (const arch of ['vit', 'cnn']) {
    await mkdir(card(arch));
    await writeFile(join(card(arch), 'model-card.json'), CARD(arch));
    await writeFile(join(card(arch), 'README.md'), README);
  }
});
afterEach(() => rm(models, { recursive: true, force: true }));

describe('groupedFigures', () => {
  it('reads the folds, the split and the scored architectures only', () => {
    const f = groupedFigures(report(), SOURCE);
    expect(f).toEqual({
      dataset: 'lung-histopathology',
      folds: 5,
      split: 'lung-histopathology-grouped',
      source: SOURCE,
      rates: { vit: rate(2712, 3000) },
    });
  });

  it('refuses a report with a fold missing, per-image folds, or no readable figure', () => {
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ scored: 4, missing: [3] }, /every fold must be scored \(4 of 5\)/],
      [{ missing: [3] }, /every fold must be scored/],
      [{ scored: 4 }, /every fold must be scored \(4 of 5\)/],
      [{ split: undefined }, /is not grouped/],
      [{ split: 'lung-histopathology' }, /"lung-histopathology" is not grouped/],
      // named grouped, but its folds.json names no groups file
      [{ grouped: false }, /is not grouped/],
      [{ grouped: undefined }, /is not grouped/],
      // another recipe than the shipped one (cv-report's caveat: augmentation or epochs)
      [{ caveat: 'The vit fold models trained for 30 epochs' }, /30 epochs: not the shipped recipe/],
      [{ rates: { vit: { ...rate(2712, 3000), k: 4000 } } }, /rates.vit does not read/],
      [{ rates: { ensemble: rate(2712, 3000) } }, /no ViT or CNN figure/],
      [{ folds: 1, scored: 1 }, /no fold count/],
      [{ rates: undefined }, /not a cross-validation report/],
    ];
    for (const [over, why] of refusals)
      expect(() => groupedFigures(report(over), SOURCE), JSON.stringify(over)).toThrow(why);
  });
});

describe('writeGroupedCards', () => {
  it("writes the scored architecture's block and README section, the same on a re-run, and nothing else", async () => {
    const cnnBefore = [await read('cnn', 'model-card.json'), await read('cnn', 'README.md')];
    expect(writeGroupedCards(models, groupedFigures(report(), SOURCE))).toEqual([card('vit')]);
    const once = [await read('vit', 'model-card.json'), await read('vit', 'README.md')];
    writeGroupedCards(models, groupedFigures(report(), SOURCE));
    expect([await read('vit', 'model-card.json'), await read('vit', 'README.md')]).toEqual(once);
    expect([await read('cnn', 'model-card.json'), await read('cnn', 'README.md')]).toEqual(cnnBefore);

    const written = JSON.parse(once[0]);
    expect(written.crossValidation).toEqual({
      ...PER_IMAGE,
      grouped: {
        folds: 5,
        split: 'lung-histopathology-grouped',
        accuracy: rate(2712, 3000),
        note: 'folds keep every near-duplicate group (presumed original) together: no held-out image has a detected copy of its original in training (docs/reports/near-duplicates-lung-histopathology.md)',
        source: SOURCE,
        recipe: cardRecipe(JSON.parse(CARD('vit'))),
      },
    });
    // the page reads what was written
    expect(cardCrossValidation(written)?.grouped?.accuracy.k).toBe(2712);
    const readme = once[1];
    expect(readme.match(/## Cross-validation on held-out originals/g)).toHaveLength(1);
    expect(readme).toContain('## Cross-validation of this recipe\n\nper-image figure\n');
    expect(readme).toContain('out-of-fold accuracy 90.40 % [89.2, 91.4] (3,000 images)');
    expect(readme).toContain('`npx tsx scripts/cv-grouped-cards.ts --report docs/reports/cv-grouped-fixture.json`');
  });

  it('replaces its figure on a re-run with a new report', async () => {
    writeGroupedCards(models, groupedFigures(report(), SOURCE));
    writeGroupedCards(models, groupedFigures(report({ rates: { vit: rate(2700, 3000) } }), SOURCE));
    const readme = await read('vit', 'README.md');
    expect(readme.match(/## Cross-validation on held-out originals/g)).toHaveLength(1);
    expect(readme).toContain('out-of-fold accuracy 90.00 %');
    expect(readme).not.toContain('90.40 %');
    expect(JSON.parse(await read('vit', 'model-card.json')).crossValidation.grouped.accuracy.k).toBe(2700);
  });

  it("is ignored by the page once a later writer changes the card's recipe", async () => {
    writeGroupedCards(models, groupedFigures(report(), SOURCE));
    const written = JSON.parse(await read('vit', 'model-card.json'));
    expect(cardCrossValidation(written)?.grouped?.accuracy.k).toBe(2712);
    // a retrain for 30 epochs that kept the crossValidation block as it was
    const retrained = { ...written, training: { ...written.training, epochs: 30 } };
    expect(cardCrossValidation(retrained)?.grouped).toBeUndefined();
    expect(cardCrossValidation(retrained)?.accuracy.k).toBe(2830);
  });

  it('refuses fold models trained with another augmentation than the card, and writes nothing', async () => {
    const sibling = report({ foldAugmentations: { vit: ['mri'] } });
    expect(() => writeGroupedCards(models, groupedFigures(sibling, SOURCE))).toThrow(
      /fold models trained with "mri", this model with "histology"/,
    );
    expect(JSON.parse(await read('vit', 'model-card.json')).crossValidation.grouped).toBeUndefined();
    expect(() =>
      writeGroupedCards(models, groupedFigures(report({ foldAugmentations: { vit: ['histology'] } }), SOURCE)),
    ).not.toThrow();
  });

  it('writes nothing when a card it would write has no per-image block', async () => {
    await writeFile(join(card('cnn'), 'model-card.json'), JSON.stringify({ name: 'cnn' }));
    const both = report({ rates: { vit: rate(2712, 3000), cnn: rate(2650, 3000) } });
    expect(() => writeGroupedCards(models, groupedFigures(both, SOURCE))).toThrow(/no crossValidation block/);
    expect(JSON.parse(await read('vit', 'model-card.json')).crossValidation.grouped).toBeUndefined();
    expect(await read('vit', 'README.md')).toBe(README);
  });

  it('is kept when the per-image cross-validation writes the card again', async () => {
    writeGroupedCards(models, groupedFigures(report(), SOURCE));
    const before = JSON.parse(await read('vit', 'model-card.json')).crossValidation.grouped;
    const r = rate(2830, 3000);
    writeCrossValidationCard(card('vit'), {
      folds: 5,
      out: 'docs/reports/cv-lung-histopathology',
      foldAugmentation: 'histology',
      caveat: '',
      accuracy: r,
      perFold: [],
      abstention: { coverage: 0.8, accuracy: r, ece: 0.02, nll: 0.2, at90: r },
      pooledThreshold: { nested: { coverage: 0.9, accuracy: r }, n: 3000 },
      target: 0.97,
      ensemble: r,
      choice: 'vit',
    });
    expect(JSON.parse(await read('vit', 'model-card.json')).crossValidation.grouped).toEqual(before);
    expect((await read('vit', 'README.md')).match(/## Cross-validation on held-out originals/g)).toHaveLength(1);
  });
});
