/**
 * scripts/cv-report.ts --write-cards writes the cross-validation block and README
 * section of a shipped model's card, replaced on a re-run, and never its model.json:
 * the pooled threshold is reported there, shipped only by
 * `cipherscan selective --write --thresholds-from` (src/apps/cli/commands/selectiveThresholds.test.ts).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureModelFiles } from '../src/testing/fixtureModel';
import { thresholdCommand, writeCrossValidationCard, type CvCardFigures } from './cvCards';

const rate = (k: number, n: number) => ({ k, n, rate: k / n, low: k / n - 0.01, high: k / n + 0.005 });
const figures = (minConfidence: number): CvCardFigures => ({
  folds: 5,
  out: 'docs/reports/cv-lung-histopathology',
  foldAugmentation: 'histology',
  caveat: '',
  accuracy: rate(2805, 3000),
  perFold: ['568/600', '567/600', '556/600', '559/600', '555/600'],
  abstention: { coverage: 0.7, accuracy: rate(2100, 2125), ece: 0.027, nll: 0.2, at90: rate(2600, 2700) },
  pooledThreshold: {
    nested: { coverage: 0.83, accuracy: rate(2437, 2495) },
    minConfidence,
    n: 3000,
    fittedOn: '3000 out-of-fold predictions',
    rule: 'R',
  },
  target: 0.97,
  ensemble: rate(2820, 3000),
  choice: 'ensemble',
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cipherscan-cv-cards-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('writeCrossValidationCard', () => {
  it('writes the card block and README section, replaced on a re-run, and leaves model.json alone', async () => {
    const f = fixtureModelFiles('vit', 1, { depth: 1, temperature: 0.5 });
    const manifest = JSON.stringify({ ...f.manifest, calibration: { ...f.manifest.calibration, minConfidence: 0.5 } });
    await writeFile(join(dir, 'model.json'), manifest);
    await writeFile(join(dir, 'model-card.json'), JSON.stringify({ name: 'vit' }));
    await writeFile(join(dir, 'README.md'), '# vit\n\n## Training\n\nkept\n');
    writeCrossValidationCard(dir, figures(0.9297525146));
    writeCrossValidationCard(dir, figures(0.9123456789));
    expect(await readFile(join(dir, 'model.json'), 'utf8')).toBe(manifest);
    const card = JSON.parse(await readFile(join(dir, 'model-card.json'), 'utf8'));
    expect(card.name).toBe('vit');
    expect(card.crossValidation.threshold.minConfidence).toBe(0.9123456789);
    expect(card.crossValidation.threshold.shipped).toBeUndefined();
    expect(card.crossValidation.threshold.shippedBy).toBe(
      'cipherscan selective --write --thresholds-from docs/reports/cv-lung-histopathology.json',
    );
    const readme = await readFile(join(dir, 'README.md'), 'utf8');
    expect(readme.match(/## Cross-validation of this recipe/g)).toHaveLength(1);
    expect(readme).toContain('## Training\n\nkept');
    expect(readme).toContain('(R, target 97 %) is 0.9123;');
    expect(readme).not.toContain('0.9298');
    expect(readme).toContain(
      '`cipherscan selective --write --thresholds-from docs/reports/cv-lung-histopathology.json` ships it',
    );
  });

  it('says in the block and the README where a setting was chosen on these folds', async () => {
    await writeFile(join(dir, 'model.json'), fixtureModelFiles('vit', 1, { depth: 1 }).manifestText);
    await writeFile(join(dir, 'model-card.json'), JSON.stringify({ name: 'vit', architecture: 'vit' }));
    await writeFile(join(dir, 'README.md'), '# vit\n');
    writeCrossValidationCard(dir, { ...figures(0.9), selection: 'Its epochs were chosen on these folds.' });
    const card = JSON.parse(await readFile(join(dir, 'model-card.json'), 'utf8'));
    expect(card.crossValidation.selection).toBe('Its epochs were chosen on these folds.');
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toContain('Its epochs were chosen on these folds.');
  });

  it('says in the README of an all-labelled model that it has no Testing figure, never pointing to one', async () => {
    await writeFile(join(dir, 'model-card.json'), JSON.stringify({ name: 'vit', data: { allLabelled: true } }));
    await writeFile(join(dir, 'README.md'), '# vit\n');
    writeCrossValidationCard(dir, figures(0.9));
    const readme = await readFile(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('out-of-fold accuracy 93.50 % [92.5, 94.0]');
    expect(readme).toContain('(this model trained on all labelled data: it has no Testing figure)');
    expect(readme).not.toContain('the Testing figure above');
  });

  it("writes a block of grouped folds as the grouped figure, dropping the other report's grouped block and section", async () => {
    const grouped = { folds: 5, split: 'lung-histopathology-grouped', accuracy: rate(2700, 3000), recipe: 'r' };
    await writeFile(
      join(dir, 'model-card.json'),
      JSON.stringify({ name: 'vit', data: { allLabelled: true }, crossValidation: { grouped } }),
    );
    await writeFile(
      join(dir, 'README.md'),
      '# vit\n\n## Cross-validation on held-out originals\n\nold 90.0 %\n\n## Training\n\nkept\n',
    );
    const f = {
      ...figures(0.9),
      out: 'docs/reports/cv-grouped-e30-lung-histopathology',
      groupedSplit: grouped.split,
      runFlags: '--split lung-histopathology-grouped --tag-vit -grouped-e30 --tag-cnn -grouped --archs vit,cnn',
    };
    writeCrossValidationCard(dir, f);
    const card = JSON.parse(await readFile(join(dir, 'model-card.json'), 'utf8'));
    expect(card.crossValidation.split).toBe('lung-histopathology-grouped');
    expect(card.crossValidation.grouped).toBeUndefined();
    expect(card.crossValidation.report).toBe('docs/reports/cv-grouped-e30-lung-histopathology.json');
    expect(card.crossValidation.data).toMatch(/grouped folds: .*no held-out image has a detected copy/);
    // the run in full, not the --release alias (which follows RELEASE_RUN when it changes)
    expect(card.crossValidation.command).toBe(
      'npx tsx scripts/cv-report.ts --split lung-histopathology-grouped --tag-vit -grouped-e30 --tag-cnn -grouped --archs vit,cnn --folds 5 --out docs/reports/cv-grouped-e30-lung-histopathology --write-cards',
    );
    const readme = await readFile(join(dir, 'README.md'), 'utf8');
    expect(readme).not.toContain('held-out originals\n');
    expect(readme).not.toContain('old 90.0 %');
    expect(readme).toContain('## Training\n\nkept');
    expect(readme).toMatch(/These folds keep every near-duplicate group together .*lung-histopathology-grouped/);
    expect(readme).not.toContain('dealt per image');
    // the per-image block keeps a grouped block that another report wrote
    await writeFile(join(dir, 'model-card.json'), JSON.stringify({ name: 'vit', crossValidation: { grouped } }));
    writeCrossValidationCard(dir, figures(0.9));
    const perImage = JSON.parse(await readFile(join(dir, 'model-card.json'), 'utf8'));
    expect(perImage.crossValidation.grouped).toEqual(grouped);
    expect(perImage.crossValidation.split).toBeUndefined();
  });

  it('names the command that ships the thresholds, and the ensemble only where the report chose it', () => {
    const c = thresholdCommand('lung-histopathology', 'docs/reports/cv-lung-histopathology', 'ensemble');
    expect(c).toBe(
      'npm run cli -- selective --data ../shared/datasets/lung-histopathology --models public/models/vit-lung-histopathology,public/models/cnn-lung-histopathology --write --thresholds-from docs/reports/cv-lung-histopathology.json --ensemble-from docs/reports/cv-lung-histopathology.json',
    );
    expect(thresholdCommand('lung-histopathology', 'r', 'vit')).not.toContain('--ensemble-from');
  });
});
