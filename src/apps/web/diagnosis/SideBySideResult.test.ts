/**
 * The diagnosis view with the out-of-domain guard (issue 18): a refused scan
 * shows the verdict in words before anything else and its class only inside the
 * "show anyway" disclosure; an accepted scan shows the class directly.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SideBySideDiagnosis, TimedPrediction } from '../../../lib/diagnosis/session';
import { outcomeSentence, SideBySideResult } from './SideBySideResult';

const classes = ['glioma', 'meningioma', 'notumor', 'pituitary'];

function side(inDomain: boolean): TimedPrediction {
  return {
    prediction: {
      classIndex: 1,
      className: 'meningioma',
      probabilities: [0.01, 0.95, 0.03, 0.01],
      logits: [0, 3, 1, 0],
    },
    ms: 12,
    domain: { inDomain, score: inDomain ? 80 : 486, threshold: 228 },
  };
}

function result(inDomain: boolean): SideBySideDiagnosis {
  return {
    model: 'cnn-brain-mri',
    classes,
    plain: side(inDomain),
    encrypted: { ...side(inDomain), encryptMs: 1, adaptMs: 20, adaptedNow: true, inputPath: 'cpu' },
    agree: true,
    maxAbsLogitDiff: 0,
    backend: 'wasm',
  };
}

describe('SideBySideResult with the domain verdict', () => {
  it('says a refused scan is not a brain MRI before any class, and hides the class behind a disclosure', () => {
    const html = renderToStaticMarkup(createElement(SideBySideResult, { result: result(false) }));
    const verdict = html.indexOf('This does not look like a brain MRI the model was trained on: no diagnosis shown.');
    expect(verdict).toBeGreaterThan(-1);
    const details = html.indexOf('<details');
    expect(details).toBeGreaterThan(verdict);
    expect(html.indexOf('Meningioma')).toBeGreaterThan(details);
    expect(html).toContain('data-in-domain="false"');
    expect(html).not.toContain('Same diagnosis');
  });

  it('refuses a file that declares a CT, in those words, though the image check accepted it', () => {
    const ct = { ...result(true), declaredModality: { declared: 'CT', expected: ['MR'], inDomain: false } };
    const html = renderToStaticMarkup(createElement(SideBySideResult, { result: ct }));
    const verdict = html.indexOf(
      'The file says it is a CT (DICOM Modality CT); this model reads brain MRI (MR): no diagnosis shown.',
    );
    expect(verdict).toBeGreaterThan(-1);
    expect(html).toContain('the image check alone would have accepted it');
    expect(html).toContain('data-testid="diagnosis-result" data-agree="true" data-in-domain="false"');
    const details = html.indexOf('<details');
    expect(details).toBeGreaterThan(verdict);
    expect(html.indexOf('Meningioma')).toBeGreaterThan(details);
  });

  it('shows the class of an accepted scan after saying it looks like a brain MRI', () => {
    const html = renderToStaticMarkup(createElement(SideBySideResult, { result: result(true) }));
    expect(html).not.toContain('<details');
    const verdict = html.indexOf('Looks like a brain MRI the model was trained on.');
    expect(verdict).toBeGreaterThan(-1);
    expect(html.indexOf('Meningioma')).toBeGreaterThan(verdict);
  });
});

describe('SideBySideResult of an ensemble', () => {
  const ensemble = (cnnInDomain: boolean): SideBySideDiagnosis => {
    const vit = result(true);
    const cnn = result(cnnInDomain);
    return {
      ...result(cnnInDomain),
      model: 'ensemble-brain-mri',
      members: [
        { model: 'vit-brain-mri', architecture: 'vit', plain: vit.plain, encrypted: vit.encrypted, agree: true },
        { model: 'cnn-brain-mri', architecture: 'cnn', plain: cnn.plain, encrypted: cnn.encrypted, agree: true },
      ],
      domainRefusedBy: cnnInDomain ? [] : [{ model: 'cnn-brain-mri', architecture: 'cnn', label: 'Masked-CNN' }],
      maxAbsProbabilityDiff: 0,
    };
  };

  it("names the member whose guard refused, and keeps the members' classes behind the disclosure", () => {
    const html = renderToStaticMarkup(createElement(SideBySideResult, { result: ensemble(false) }));
    const refused = html.indexOf('Refused by the Masked-CNN check.');
    expect(refused).toBeGreaterThan(-1);
    const details = html.indexOf('<details');
    expect(details).toBeGreaterThan(refused);
    expect(html.indexOf('data-testid="ensemble-members"')).toBeGreaterThan(details);
  });

  it("shows the combined answer, then each member's class in small print", () => {
    const html = renderToStaticMarkup(createElement(SideBySideResult, { result: ensemble(true) }));
    expect(html).not.toContain('<details');
    expect(html).toContain('Plain ensemble · original');
    const members = html.indexOf('data-testid="ensemble-members"');
    expect(members).toBeGreaterThan(html.indexOf('data-testid="plain-class"'));
    expect(html.slice(members)).toMatch(/ViT: Meningioma.*Masked-CNN: Meningioma/);
  });
});

describe('outcomeSentence (the live region a screen reader announces)', () => {
  it('names the class only where the page shows one', () => {
    expect(outcomeSentence(result(true))).toBe('Diagnosis: Meningioma, the same on the encrypted image.');
    expect(outcomeSentence(result(false))).toBe('No diagnosis: the scan was refused; the reason is shown.');
    expect(outcomeSentence(result(false))).not.toContain('Meningioma');
  });
});
