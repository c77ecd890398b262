/**
 * The brain copies report's markdown is a pure function of its JSON: the committed pair
 * must agree (a change to the writer shows as a diff here, not as a silently stale .md),
 * and the "Uncertain" table appears only where the run scored thresholds.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imageCopiesMarkdown, type ImageCopiesReport } from './imageCopiesReport';

const REPORT = 'docs/reports/near-duplicates-brain-mri';
const json = JSON.parse(readFileSync(`${REPORT}.json`, 'utf8')) as ImageCopiesReport;

describe('imageCopiesMarkdown', () => {
  it('writes the committed report from the committed JSON', () => {
    expect(imageCopiesMarkdown(json)).toBe(readFileSync(`${REPORT}.md`, 'utf8'));
  });

  it('gives the "Uncertain" rule by copy status only where thresholds were scored', () => {
    const rule = /The "Uncertain" rule on scans with and without a copy/;
    expect(imageCopiesMarkdown(json)).toMatch(rule);
    expect(imageCopiesMarkdown(json)).toMatch(
      /\| cnn-brain-mri \| 0\.9590 \| no copy in Training \(unseen scans\) \| 102 \| 41 \(40\.2 %\) \| 39 = 95\.12 %/,
    );
    expect(imageCopiesMarkdown({ ...json, testingSelectiveByCopy: undefined })).not.toMatch(rule);
  });
});
