/**
 * Selective diagnosis on the page (issue 18): below the model's threshold the
 * result says "Uncertain — refer for review" before any class and keeps the
 * class behind the "not a diagnosis" disclosure; above it the class shows
 * directly; a model without a threshold changes nothing.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SideBySideDiagnosis, TimedPrediction } from '../../../lib/diagnosis/session';
import { confidenceVerdict } from '../../../lib/diagnosis/abstention';
import { SideBySideResult } from './SideBySideResult';

const classes = ['glioma', 'meningioma', 'notumor', 'pituitary'];
const probabilities = [0.2, 0.7, 0.05, 0.05];

function side(minConfidence?: number): TimedPrediction {
  return {
    prediction: { classIndex: 1, className: 'meningioma', probabilities, logits: [1, 2, 0, 0] },
    ms: 12,
    domain: { inDomain: true, score: 80, threshold: 228 },
    ...(minConfidence !== undefined ? { certainty: confidenceVerdict(probabilities, minConfidence) } : {}),
  };
}

function result(minConfidence?: number): SideBySideDiagnosis {
  return {
    model: 'cnn-brain-mri',
    classes,
    plain: side(minConfidence),
    encrypted: { ...side(minConfidence), encryptMs: 1, adaptMs: 20, adaptedNow: true, inputPath: 'cpu' },
    agree: true,
    maxAbsLogitDiff: 0,
    backend: 'wasm',
  };
}

const render = (minConfidence?: number) =>
  renderToStaticMarkup(createElement(SideBySideResult, { result: result(minConfidence) }));

describe('SideBySideResult with the confidence threshold', () => {
  it('says "Uncertain — refer for review" first and hides the class below the threshold', () => {
    const html = render(0.95);
    const verdict = html.indexOf('Uncertain — refer for review');
    expect(verdict).toBeGreaterThan(-1);
    expect(html).toContain('the model is 70 % sure; it gives a class only from 95 %');
    const details = html.indexOf('<details');
    expect(details).toBeGreaterThan(verdict);
    expect(html.indexOf('Meningioma')).toBeGreaterThan(details);
    expect(html).toContain('data-uncertain="true"');
    // no diagnosis is shown, so the agreement line does not call the leaning one
    expect(html).not.toContain('Same diagnosis');
    expect(html).toContain('Same verdict and leaning on the encrypted image (no diagnosis shown)');
  });

  it('shows the class directly at or above the threshold', () => {
    const html = render(0.7);
    expect(html).not.toContain('Uncertain');
    expect(html).not.toContain('<details');
    // rounded as the probability bars round it
    expect(html).toContain('Sure enough to answer: 70.0 % (the model answers from 70.0 %)');
    expect(html).toContain('Same diagnosis on the encrypted image');
    expect(html).toContain('data-uncertain="false"');
  });

  it('changes nothing for a model that ships no threshold', () => {
    const html = render();
    expect(html).not.toContain('certainty-verdict');
    expect(html).not.toContain('<details');
  });
});
