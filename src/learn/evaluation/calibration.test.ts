import { describe, expect, it } from 'vitest';
import { ModelRandom } from '../../lib/models/init';
import { softmaxT } from '../../lib/models/softmax';
import { eceAt, expectedCalibrationError, fitTemperature, nllAt } from './calibration';

/** Logits whose softmax(· / trueT) is the real label distribution, then returned at temperature 1. */
function syntheticSet(n: number, classes: number, trueT: number, seed: number) {
  const rng = new ModelRandom(seed);
  const logits: number[][] = [];
  const labels: number[] = [];
  for (let k = 0; k < n; k++) {
    const row = Array.from({ length: classes }, () => 4 * (rng.next() - 0.5) * 2);
    const p = softmaxT(row, trueT);
    let u = rng.next();
    let y = 0;
    while (y < classes - 1 && u > p[y]) u -= p[y++];
    logits.push(row);
    labels.push(y);
  }
  return { logits, labels };
}

describe('temperature scaling', () => {
  it('finds T > 1 for an over-confident set, and lowers its NLL and ECE', () => {
    const { logits, labels } = syntheticSet(4000, 4, 2.5, 7);
    const fit = fitTemperature(logits, labels);
    expect(fit.temperature).toBeGreaterThan(1.8);
    expect(fit.temperature).toBeLessThan(3.4);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
    expect(eceAt(logits, labels, fit.temperature)).toBeLessThan(eceAt(logits, labels, 1));
    expect(eceAt(logits, labels, fit.temperature)).toBeLessThan(0.03);
  });

  it('finds T < 1 for an under-confident set', () => {
    const { logits, labels } = syntheticSet(4000, 3, 0.5, 11);
    expect(fitTemperature(logits, labels).temperature).toBeLessThan(0.7);
  });

  it('returns the NLL minimum (its neighbours are no better)', () => {
    const { logits, labels } = syntheticSet(500, 3, 1.7, 3);
    const { temperature: t } = fitTemperature(logits, labels);
    expect(nllAt(logits, labels, t)).toBeLessThanOrEqual(nllAt(logits, labels, t * 1.01) + 1e-12);
    expect(nllAt(logits, labels, t)).toBeLessThanOrEqual(nllAt(logits, labels, t / 1.01) + 1e-12);
  });

  it('softmaxT is stable for large logits and sums to 1', () => {
    const p = softmaxT([1000, 999, -1000], 0.5);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[0]).toBeGreaterThan(p[1]);
  });
});

describe('expected calibration error', () => {
  it('is 0 for a perfectly calibrated construction', () => {
    // in each bin, confidence c and exactly a share c of the images right
    const probabilities: number[][] = [];
    const labels: number[] = [];
    for (const [c, n] of [
      [0.6, 10],
      [0.8, 10],
      [1, 4],
    ] as const) {
      for (let k = 0; k < n; k++) {
        probabilities.push([c, 1 - c]);
        labels.push(k < Math.round(c * n) ? 0 : 1);
      }
    }
    expect(expectedCalibrationError(probabilities, labels)).toBeCloseTo(0, 12);
  });

  it('is |accuracy - confidence| when every image sits in one bin', () => {
    const probabilities = Array.from({ length: 10 }, () => [0.9, 0.05, 0.05]);
    const labels = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1];
    expect(expectedCalibrationError(probabilities, labels)).toBeCloseTo(0.2, 12);
  });

  it('is close to 0 on a large sample drawn from its own probabilities', () => {
    const { logits, labels } = syntheticSet(20000, 4, 1, 5);
    expect(eceAt(logits, labels, 1)).toBeLessThan(0.02);
  });
});
