import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cvReportMarkdown, type CvReportFigures } from './cvReportMarkdown';
import { ARCHS, type Arch, type CvRun } from './cvRun';

const REPORTS = 'docs/reports';

/** The run a report's JSON names (the first, per-image report names none: both architectures, no tag). */
function runOf(report: {
  dataset: string;
  split?: string;
  tags?: Partial<Record<Arch, string>>;
  archs?: Arch[];
}): CvRun {
  return {
    dataset: report.dataset,
    split: report.split ?? report.dataset,
    tags: { vit: '', cnn: '', ...report.tags },
    archs: report.archs ?? [...ARCHS],
  };
}

const read = (name: string) =>
  JSON.parse(readFileSync(join(REPORTS, name), 'utf8')) as CvReportFigures & { dataset: string };

// Every pooled report cv-report.ts has written since its second table gained the point-rule column;
// cv-lung-histopathology (per-image folds, 8ab864f) predates it and is kept as it was written.
const written = readdirSync(REPORTS)
  .filter((f) => /^cv-(?!guard-).*\.json$/.test(f))
  .filter((f) => f !== 'cv-lung-histopathology.json');

describe('cvReportMarkdown', () => {
  it('finds the grouped reports', () => {
    expect(written).toContain('cv-grouped-e30-lung-histopathology.json');
    expect(written.length).toBeGreaterThanOrEqual(4);
  });

  it.each(written)('writes %s as it stands in docs/reports, from its JSON alone', (name) => {
    const report = read(name);
    const md = readFileSync(join(REPORTS, name.replace(/\.json$/, '.md')), 'utf8');
    expect(cvReportMarkdown(report.dataset, runOf(report), report)).toBe(md);
  });

  it('prints a changed figure: the markdown follows the JSON', () => {
    const report = read('cv-grouped-e30-lung-histopathology.json');
    const before = cvReportMarkdown(report.dataset, runOf(report), report);
    const changed = { ...report, rates: { ...report.rates, vit: { ...report.rates.vit, rate: 0.5 } } };
    const after = cvReportMarkdown(report.dataset, runOf(report), changed);
    expect(after).not.toBe(before);
    expect(after).toContain('| vit | 50.00 %');
  });

  it('says no choice is made while folds are missing', () => {
    const report = read('cv-grouped-e30-lung-histopathology.json');
    const partial = { ...report, scored: 3, missing: [4, 5], choice: null };
    const md = cvReportMarkdown(report.dataset, runOf(report), partial);
    expect(md).toContain('Folds scored: 3 of 5 (still training: 4, 5)');
    expect(md).toContain('No choice yet: not every fold is scored.');
  });

  it('keeps the originals columns of a run with the CNN alone', () => {
    const report = read('cv-grouped-e30-lung-histopathology.json');
    const run: CvRun = { ...runOf(report), archs: ['cnn'] };
    // as a CNN-only run writes it: no ViT figures at all
    const { vit: _, ...byOriginals } = report.byOriginals!;
    const md = cvReportMarkdown(report.dataset, run, { ...report, byOriginals });
    expect(md).toContain('95 % resampling originals');
    expect(md).not.toContain('| vit |');
  });
});
