import { describe, expect, it } from 'vitest';
import { classificationReport, rocAuc } from './metrics';

describe('classification metrics', () => {
  it('AUC: perfect ranking is 1, inverted is 0, ties are 0.5', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [false, false, true, true])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [false, true, false, true])).toBe(0.5);
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
  });
  it('confusion, per-class and macro figures', () => {
    const labels = [0, 0, 1, 1, 2, 2];
    const probs = [
      [0.9, 0.1, 0],
      [0.2, 0.7, 0.1],
      [0.1, 0.8, 0.1],
      [0.1, 0.8, 0.1],
      [0, 0.1, 0.9],
      [0.6, 0.1, 0.3],
    ];
    const r = classificationReport(labels, probs, ['a', 'b', 'c']);
    expect(r.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    expect(r.accuracy).toBeCloseTo(4 / 6);
    expect(r.perClass[1].precision).toBeCloseTo(2 / 3);
    expect(r.perClass[1].recall).toBe(1);
    expect(r.perClass[0].f1).toBeCloseTo(0.5);
    expect(r.macroF1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3);
  });
});
