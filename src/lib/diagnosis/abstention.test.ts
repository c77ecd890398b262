import { describe, expect, it } from 'vitest';
import { certaintyOfLogits, confidenceVerdict, lessSure, uncertainReason } from './abstention';

describe('confidenceVerdict', () => {
  it('is uncertain strictly below the threshold and sure at it', () => {
    expect(confidenceVerdict([0.1, 0.9], 0.95).uncertain).toBe(true);
    expect(confidenceVerdict([0.05, 0.95], 0.95).uncertain).toBe(false);
    expect(confidenceVerdict([0.3, 0.7], 0).uncertain).toBe(false);
  });

  it('explains itself in words, rounding down so it never overstates the confidence', () => {
    const v = confidenceVerdict([0.0001, 0.9499], 0.95);
    expect(uncertainReason(v)).toBe('the model is 94.9 % sure; it gives a class only from 95 %');
  });

  it('adds decimals where rounding down would make the confidence and the threshold read alike', () => {
    const v = confidenceVerdict([0.0529, 0.9471], 0.9479);
    expect(uncertainReason(v)).toBe('the model is 94.71 % sure; it gives a class only from 94.79 %');
  });

  it('explains the less sure of two sides', () => {
    const sure = confidenceVerdict([0.04, 0.96], 0.95);
    const unsure = confidenceVerdict([0.06, 0.94], 0.95);
    expect(lessSure(sure, unsure)).toBe(unsure);
    expect(lessSure(unsure, sure)).toBe(unsure);
    expect(lessSure(sure, undefined)).toBe(sure);
  });
});

describe('certaintyOfLogits', () => {
  it('reads logits through the model temperature, as the model reads its own', () => {
    // logits 0 and 2: softmax at T = 1 gives 0.881 on the second class; at T = 0.5 (sharper), 0.982
    expect(certaintyOfLogits([0, 2], { temperature: 1, minConfidence: 0.95 })).toMatchObject({ uncertain: true });
    const sharp = certaintyOfLogits([0, 2], { temperature: 0.5, minConfidence: 0.95 });
    expect(sharp.uncertain).toBe(false);
    expect(sharp.confidence).toBeCloseTo(1 / (1 + Math.exp(-4)), 12);
  });
});
