/**
 * The CV report as the threshold release reads it: complete and of the dataset,
 * or refused with a sentence; its pooled thresholds by the study's candidate
 * names, refused where one is missing.
 */
import { describe, expect, it } from 'vitest';
import { fixtureCvReport, FIXTURE_CV_THRESHOLDS } from '../../testing/fixtureCvReport';
import {
  completeCvReport,
  crossValidationBlock,
  cvChoiceReason,
  cvFigures,
  CvReleaseRefused,
  cvThresholds,
  outOfFoldSentence,
} from './cvReport';

const PATH = 'docs/reports/cv-lung-histopathology.json';
const DS = 'lung-histopathology';

describe('completeCvReport', () => {
  it('accepts a complete report whatever it chose', () => {
    for (const choice of ['vit', 'cnn', 'ensemble'] as const)
      expect(completeCvReport(JSON.stringify(fixtureCvReport({ choice })), PATH, DS, 'thresholds').choice).toBe(choice);
  });

  it('refuses an incomplete or foreign report, saying what was not written', () => {
    const full = fixtureCvReport();
    const cases: [string, RegExp][] = [
      [JSON.stringify(fixtureCvReport({ scored: 4, missing: [5], choice: null })), /has 4 of 5 folds scored/],
      [JSON.stringify(fixtureCvReport({}, 'brain-mri')), /of brain-mri, not lung-histopathology/],
      [
        JSON.stringify({ ...full, totals: { ...full.totals, cnn: { ...full.totals.cnn, perFold: ['1/600'] } } }),
        /cnn figures for fewer than 5 folds/,
      ],
      [JSON.stringify({ ...full, rates: undefined }), /is not a CV report/],
      ['{', /is not JSON/],
    ];
    for (const [text, why] of cases) {
      expect(() => completeCvReport(text, PATH, DS, 'thresholds')).toThrow(CvReleaseRefused);
      expect(() => completeCvReport(text, PATH, DS, 'thresholds')).toThrow(why);
      expect(() => completeCvReport(text, PATH, DS, 'thresholds')).toThrow(
        /^not writing the lung-histopathology thresholds: .*Nothing was written\.$/,
      );
    }
  });
});

describe('cvThresholds', () => {
  it('names each candidate as the study does; the ensemble only with both members', () => {
    const both = cvThresholds(fixtureCvReport(), PATH, { vit: 'vit-x', cnn: 'cnn-x' });
    expect(Object.keys(both)).toEqual(['vit-x', 'cnn-x', 'ensemble(vit-x + cnn-x)']);
    expect(both['cnn-x'].minConfidence).toBe(FIXTURE_CV_THRESHOLDS.cnn);
    expect(both['ensemble(vit-x + cnn-x)'].minConfidence).toBe(FIXTURE_CV_THRESHOLDS.ensemble);
    expect(both['vit-x'].fittedOn).toBe(
      '3000 out-of-fold predictions of 5-fold cross-validation (nested: 80.0 % answered at 98.77 %)',
    );
    expect(Object.keys(cvThresholds(fixtureCvReport(), PATH, { cnn: 'cnn-x' }))).toEqual(['cnn-x']);
  });

  it('refuses where the report has no pooled threshold for a named candidate', () => {
    const full = fixtureCvReport();
    const noCnn = fixtureCvReport({
      pooledThreshold: { ...full.pooledThreshold!, cnn: { ...full.pooledThreshold!.cnn, minConfidence: undefined } },
    });
    expect(() => cvThresholds(noCnn, PATH, { vit: 'v', cnn: 'c' })).toThrow(/no pooled out-of-fold threshold for cnn/);
    expect(Object.keys(cvThresholds(noCnn, PATH, { vit: 'v' }))).toEqual(['v']);
    expect(() => cvThresholds(fixtureCvReport({ pooledThreshold: undefined }), PATH, { vit: 'v' })).toThrow(
      CvReleaseRefused,
    );
  });

  it('says what the report chose', () => {
    expect(cvChoiceReason(fixtureCvReport())).toBe(
      '5-fold cross-validation chose it (2930/3000 out-of-fold right answers; ViT 2900, Masked-CNN 2880)',
    );
    expect(cvChoiceReason(fixtureCvReport({ choice: 'vit' }))).toMatch(/^5-fold cross-validation chose ViT \(/);
  });
});

/** a run that trained one architecture (the brain Masked-CNN's grouped folds): its totals, rates and threshold only */
function cnnOnlyReport() {
  const full = fixtureCvReport({ archs: ['cnn'], choice: null }, 'brain-mri');
  return {
    ...full,
    totals: { cnn: full.totals.cnn },
    rates: { cnn: full.rates.cnn },
    pooledThreshold: { cnn: full.pooledThreshold!.cnn },
  } as unknown as ReturnType<typeof fixtureCvReport>;
}

describe('a report of one architecture', () => {
  const BRAIN = 'docs/reports/cv-grouped-brain-mri.json';

  it('is complete with that architecture’s figures alone, and says it chose nothing', () => {
    const cv = completeCvReport(JSON.stringify(cnnOnlyReport()), BRAIN, 'brain-mri', 'thresholds');
    expect(cvChoiceReason(cv)).toBe(
      '5-fold cross-validation of the Masked-CNN alone (2880/3000 out-of-fold right answers) chose nothing',
    );
    const short = cnnOnlyReport();
    short.totals.cnn = { ...short.totals.cnn, perFold: ['1/600'] };
    expect(() => completeCvReport(JSON.stringify(short), BRAIN, 'brain-mri', 'thresholds')).toThrow(
      /cnn figures for fewer than 5 folds/,
    );
  });

  it('gives its threshold to that architecture only: the other model keeps validation’s, no ensemble key', () => {
    const t = cvThresholds(cnnOnlyReport(), BRAIN, { vit: 'vit-brain-mri', cnn: 'cnn-brain-mri' });
    expect(Object.keys(t)).toEqual(['cnn-brain-mri']);
    expect(t['cnn-brain-mri'].minConfidence).toBe(FIXTURE_CV_THRESHOLDS.cnn);
    expect(() => cvThresholds(cnnOnlyReport(), BRAIN, { vit: 'vit-brain-mri' })).toThrow(
      /cross-validated the cnn only, none of the models given/,
    );
  });

  it('has no figures of the architecture it did not train', () => {
    expect(() => cvFigures(cnnOnlyReport(), 'vit')).toThrow(/no vit figures/);
    expect(cvFigures(cnnOnlyReport(), 'cnn').ensemble).toBeUndefined();
  });
});

describe('the interval of resampling originals in a card', () => {
  const byOriginals = { rate: 0.9433, low: 0.9282, high: 0.9577, groups: 764, images: 3000, resamples: 2000 };
  const cv = {
    ...fixtureCvReport(),
    grouped: true,
    split: 'lung-histopathology-grouped',
    byOriginals: { vit: byOriginals },
  };

  it('travels from a grouped report into the block and the README sentence', () => {
    const f = cvFigures(cv, 'vit');
    expect(f.byOriginals).toEqual(byOriginals);
    expect(crossValidationBlock(f, 'cmd').accuracyByOriginals).toEqual(byOriginals);
    expect(outOfFoldSentence(f)).toContain('[92.8, 95.8] when the 764 presumed originals are resampled');
  });

  it('is absent where the report has none (per-image folds, reports before it)', () => {
    const f = cvFigures(fixtureCvReport(), 'cnn');
    expect(f.byOriginals).toBeUndefined();
    expect('accuracyByOriginals' in crossValidationBlock(f, 'cmd')).toBe(false);
    expect(outOfFoldSentence(f)).not.toContain('originals are resampled');
  });
});
