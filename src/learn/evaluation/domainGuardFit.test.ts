/**
 * Fitting the out-of-domain guard: on Gaussian clusters the threshold accepts at
 * least the target share of validation, points far from every cluster (or along
 * a direction the training data never varies in) are refused, and the inverse
 * is a true inverse. Wilson intervals match known values.
 */
import { describe, expect, it } from 'vitest';
import { ModelRandom } from '../../lib/models/init';
import { domainVerdict } from '../../lib/diagnosis/domainGuard';
import { fitDomainGuard, invertSymmetric } from './domainGuardFit';
import { wilson } from './domainGuardReport';

/** points around class centres, wide in dimension 0, narrow in the others */
function cluster(rng: ModelRandom, n: number, d: number, centres: number[][]) {
  const features: Float32Array[] = [];
  const labels: number[] = [];
  for (let k = 0; k < n; k++) {
    const c = k % centres.length;
    features.push(Float32Array.from({ length: d }, (_, i) => centres[c][i] + rng.normal() * (i === 0 ? 3 : 0.3)));
    labels.push(c);
  }
  return { features, labels };
}

describe('fitDomainGuard', () => {
  const d = 6;
  const centres = [Array(d).fill(0), [0, 4, 0, 0, 0, 0]];

  it('accepts the target share of validation and refuses points off the training distribution', () => {
    const rng = new ModelRandom(3);
    const fit = cluster(rng, 600, d, centres);
    const val = cluster(rng, 200, d, centres);
    const guard = fitDomainGuard(['a', 'b'], fit.features, fit.labels, val.features, {
      targetAcceptance: 0.95,
      shrinkage: 0.01,
    });
    const accepted = val.features.filter((f) => domainVerdict(guard, f).inDomain).length / val.features.length;
    expect(accepted).toBeGreaterThanOrEqual(0.95);
    expect(guard.fit.validationAccepted).toBeCloseTo(accepted);
    expect(accepted).toBeLessThan(1); // the threshold is a quantile, not the maximum
    // fresh in-domain points: mostly accepted
    const fresh = cluster(rng, 400, d, centres).features;
    expect(fresh.filter((f) => domainVerdict(guard, f).inDomain).length / fresh.length).toBeGreaterThan(0.9);
    // 3 units along dimension 0 is ordinary (sd 3); along dimension 3 it is 10 sd out: refused
    expect(domainVerdict(guard, [3, 0, 0, 0, 0, 0]).inDomain).toBe(true);
    expect(domainVerdict(guard, [0, 0, 0, 3, 0, 0]).inDomain).toBe(false);
    expect(domainVerdict(guard, [0, 2, 0, 0, 0, 0]).score).toBeGreaterThan(
      domainVerdict(guard, [0, 4, 0, 0, 0, 0]).score,
    );
  });

  it('refuses bad options and classes without images', () => {
    const rng = new ModelRandom(4);
    const fit = cluster(rng, 50, d, centres);
    expect(() => fitDomainGuard(['a', 'b'], fit.features, fit.labels, fit.features, { shrinkage: 0 })).toThrow();
    expect(() => fitDomainGuard(['a', 'b', 'c'], fit.features, fit.labels, fit.features)).toThrow(/every class/);
  });

  it('inverts a symmetric positive-definite matrix', () => {
    const a = Float64Array.from([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2]);
    const inv = invertSymmetric(a, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += a[i * 3 + k] * inv[k * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
  });
});

describe('wilson', () => {
  it('matches the textbook interval', () => {
    const r = wilson(95, 100);
    expect(r.low).toBeCloseTo(0.8882, 3);
    expect(r.high).toBeCloseTo(0.9785, 3);
    expect(wilson(0, 10).low).toBe(0);
    expect(wilson(10, 10).high).toBe(1);
  });
});
