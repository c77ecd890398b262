/**
 * The declared-modality check: a brain-MRI model refuses a file that says CT, a
 * lung-slide model refuses an MRI, "OT" and no declaration say nothing, and a
 * refusal reads as a sentence a clinician understands.
 */
import { describe, expect, it } from 'vitest';
import { diagnosisRefused, modalityMessage, modalityVerdict, refusalSentence } from './declaredModality';

const brain = ['glioma', 'meningioma', 'notumor', 'pituitary'];
const lung = ['lung_aca', 'lung_n', 'lung_scc'];

describe('modalityVerdict', () => {
  it('refuses a declared modality the domain is not, and accepts its own', () => {
    expect(modalityVerdict(brain, 'CT')).toEqual({ declared: 'CT', expected: ['MR'], inDomain: false });
    expect(modalityVerdict(brain, 'MR')?.inDomain).toBe(true);
    expect(modalityVerdict(brain, ' mr ')?.inDomain).toBe(true);
    expect(modalityVerdict(lung, 'MR')?.inDomain).toBe(false);
    expect(modalityVerdict(lung, 'CT')?.inDomain).toBe(false);
    expect(modalityVerdict(lung, 'SM')?.inDomain).toBe(true);
    expect(modalityVerdict(brain, 'SM')?.inDomain).toBe(false);
  });

  it('says nothing where the declaration says nothing, or the model has no domain list', () => {
    expect(modalityVerdict(brain, undefined)).toBeUndefined();
    expect(modalityVerdict(brain, '')).toBeUndefined();
    expect(modalityVerdict(brain, 'OT')).toBeUndefined();
    expect(modalityVerdict(['top', 'bottom'], 'CT')).toBeUndefined();
  });

  it('accepts a multi-valued declaration holding the domain', () => {
    expect(modalityVerdict(brain, 'OT\\MR')?.inDomain).toBe(true);
    expect(modalityVerdict(brain, 'CT\\PT')?.inDomain).toBe(false);
  });
});

describe('modalityMessage and diagnosisRefused', () => {
  it('names what the file says and what the model reads', () => {
    expect(modalityMessage(modalityVerdict(brain, 'CT')!, brain)).toBe(
      'The file says it is a CT (DICOM Modality CT); this model reads brain MRI (MR): no diagnosis shown.',
    );
    expect(modalityMessage(modalityVerdict(lung, 'RTPLAN')!, lung)).toMatch(/^The file says it is a "RTPLAN" image/);
  });

  it('withholds on a declared mismatch even where the image check accepts', () => {
    const accepted = { plain: { domain: { inDomain: true } }, encrypted: { domain: { inDomain: true } } };
    expect(diagnosisRefused(accepted)).toBe(false);
    expect(diagnosisRefused({ ...accepted, declaredModality: modalityVerdict(brain, 'CT') })).toBe(true);
    expect(diagnosisRefused({ ...accepted, declaredModality: modalityVerdict(brain, 'MR') })).toBe(false);
    expect(
      diagnosisRefused({ plain: { domain: { inDomain: true } }, encrypted: { domain: { inDomain: false } } }),
    ).toBe(true);
    expect(diagnosisRefused({ plain: {} })).toBe(false);
  });
});

describe('refusalSentence', () => {
  it('names the declared modality first, then the image check, and nothing for an accepted image', () => {
    expect(refusalSentence(brain, { inDomain: false }, 'CT')).toMatch(/^The file says it is a CT/);
    expect(refusalSentence(brain, { inDomain: false }, 'MR')).toBe(
      'This does not look like a brain MRI the model was trained on: no diagnosis shown.',
    );
    expect(refusalSentence(brain, { inDomain: true }, 'MR')).toBeUndefined();
    expect(refusalSentence(brain, undefined, undefined)).toBeUndefined();
  });
});
