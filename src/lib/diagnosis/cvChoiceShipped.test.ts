/**
 * The shipped cards (public/models/*-DS/model-card.json) make the page open each
 * dataset on what the committed cross-validation report they quote (`crossValidation.report`,
 * else docs/reports/cv-DS.json) chose (a report of one network: that network, the only one
 * cross-validated), and the line under it quotes that report's out-of-fold figures. Skipped
 * for a dataset without a report or its models. A shipped card's grouped block is read
 * (its recipe fingerprint is the card's: scripts/cv-grouped-cards.ts wrote it for this recipe).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cardCrossValidation, isGroupedSplit } from './cvChoice';
import { datasetDefault, DATASETS, discoverModels } from './registry';

const PUBLIC = 'public';
/** the report the shipped ViT card quotes, else the CNN card's, else the dataset's per-image one */
function reportPath(dataset: string): string {
  const quoted = (arch: string) => {
    const card = join(PUBLIC, 'models', `${arch}-${dataset}`, 'model-card.json');
    return existsSync(card)
      ? (JSON.parse(readFileSync(card, 'utf8')) as { crossValidation?: { report?: string } }).crossValidation?.report
      : undefined;
  };
  return quoted('vit') ?? quoted('cnn') ?? join('docs/reports', `cv-${dataset}.json`);
}
const fromDisk = async (url: string) => {
  const path = join(PUBLIC, new URL(url).pathname);
  const ok = existsSync(path);
  return { ok, status: ok ? 200 : 404, text: async () => (ok ? readFileSync(path, 'utf8') : '') };
};
const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;

describe('shipped cards: the default per dataset is what cross-validation chose', () => {
  for (const dataset of DATASETS) {
    const shipped = existsSync(reportPath(dataset)) && existsSync(join(PUBLIC, 'models', `vit-${dataset}`));
    it.skipIf(!shipped)(`${dataset}: the report's choice, with its figures`, async () => {
      const report = JSON.parse(readFileSync(reportPath(dataset), 'utf8')) as {
        folds: number;
        grouped?: boolean;
        choice: 'vit' | 'cnn' | 'ensemble' | null;
        archs?: ('vit' | 'cnn')[];
        rates: Record<'vit' | 'cnn' | 'ensemble', { rate: number }>;
      };
      const models = await discoverModels('http://localhost/', fromDisk);
      const d = datasetDefault(models, dataset);
      // a report of one network (the brain Masked-CNN): that network, the only one cross-validated
      if (report.archs?.length === 1) {
        const [only] = report.archs;
        expect(d?.entry.architecture).toBe(only);
        expect(d?.why).toContain('the only one of the two networks cross-validated');
        return expect(d?.why).toContain(pct(report.rates[only].rate));
      }
      if (report.choice === null) return expect(d).toBeUndefined();
      expect(d?.entry.architecture).toBe(report.choice);
      if (report.choice === 'ensemble') return;
      const other = report.choice === 'vit' ? 'cnn' : 'vit';
      expect(d?.why).toContain(`best in ${report.folds}-fold cross-validation`);
      expect(d?.why).toContain(pct(report.rates[report.choice].rate));
      expect(d?.why).toContain(pct(report.rates[other].rate));
      // a report of grouped folds says its choice was made on held-out originals
      if (report.grouped) expect(d?.why).toContain('on held-out originals (grouped folds)');
    });
  }
});

describe("shipped cards: a grouped block is the card's recipe's", () => {
  const dirs = existsSync(join(PUBLIC, 'models')) ? readdirSync(join(PUBLIC, 'models')) : [];
  for (const dir of dirs) {
    const path = join(PUBLIC, 'models', dir, 'model-card.json');
    const card = existsSync(path)
      ? (JSON.parse(readFileSync(path, 'utf8')) as { crossValidation?: { grouped?: unknown; split?: unknown } })
      : {};
    const quotesGrouped = Boolean(card.crossValidation?.grouped) || isGroupedSplit(card.crossValidation?.split);
    it.skipIf(!quotesGrouped)(`${dir}: the page reads its grouped figure`, () => {
      // fails once the card's recipe changed after the block was written: re-run scripts/cv-grouped-cards.ts or drop it
      expect(cardCrossValidation(card)?.grouped).toBeDefined();
    });
  }
});
