import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUGMENTATION_FOR, DATA_CAVEAT, imageKindOf } from './imageKind';

describe('imageKindOf', () => {
  it('tells histology and MRI sets by their classes, whatever the folder is called', () => {
    expect(imageKindOf(['lung_aca', 'lung_n', 'lung_scc'])).toBe('histology');
    expect(imageKindOf(['glioma', 'meningioma', 'notumor', 'pituitary'])).toBe('mri');
    expect(AUGMENTATION_FOR[imageKindOf(['lung_aca', 'lung_n'])!]).toBe('histology');
  });

  it('has no kind for unknown, mixed or no classes', () => {
    expect(imageKindOf(['cats', 'dogs'])).toBeUndefined();
    expect(imageKindOf(['lung_aca', 'cats'])).toBeUndefined();
    expect(imageKindOf(['lung_aca', 'glioma'])).toBeUndefined();
    expect(imageKindOf([])).toBeUndefined();
    expect(imageKindOf(['toString'])).toBeUndefined();
  });
});

describe('DATA_CAVEAT', () => {
  it("states the brain set's share of Testing scans with a copy in Training as the committed report measured it", () => {
    const report = JSON.parse(readFileSync('docs/reports/near-duplicates-brain-mri.json', 'utf8')) as {
      testingWithCopyInTraining: { rate: number };
    };
    const percent = Math.round(report.testingWithCopyInTraining.rate * 100);
    expect(DATA_CAVEAT.mri).toContain(`${percent} % of its Testing scans have a copy in Training`);
  });

  it('points every kind at the grouped folds, the figure its copies do not inflate', () => {
    for (const caveat of Object.values(DATA_CAVEAT)) expect(caveat).toMatch(/grouped folds/);
  });
});
