/**
 * Fitting the out-of-domain guard: on Gaussian clusters the threshold accepts at
 * least the target share of validation, points far from every cluster (or along
 * a direction the training data never varies in) are refused, and the inverse
 * is a true inverse. The intensity score: smooth histograms pass at the target
 * share, one with peaks and troughs (a drawing's) is refused. Wilson intervals
 * match known values.
 */
import { describe, expect, it } from 'vitest';
import { ModelRandom } from '../../lib/models/init';
import { domainVerdict } from '../../lib/diagnosis/domainGuard';
import { INTENSITY_BINS } from '../../lib/models/intensityHistogram';
import { fitDomainGuard, fitIntensityGuard, invertSymmetric } from './domainGuardFit';
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

/** a smooth bump of shares over the bins, centre and width jittered, normalised */
function smoothHistogram(rng: ModelRandom): Float32Array {
  const centre = 16 + rng.normal() * 3;
  const width = 8 + Math.abs(rng.normal()) * 2;
  const h = Float32Array.from({ length: INTENSITY_BINS }, (_, i) => Math.exp(-(((i - centre) / width) ** 2)) + 0.01);
  const sum = h.reduce((a, b) => a + b, 0);
  return h.map((v) => v / sum);
}

describe('fitIntensityGuard', () => {
  it('accepts the target share of validation and refuses a histogram with peaks and troughs', () => {
    const rng = new ModelRandom(8);
    const fit = Array.from({ length: 400 }, () => smoothHistogram(rng));
    const val = Array.from({ length: 200 }, () => smoothHistogram(rng));
    const g = fitIntensityGuard(fit, val, { targetAcceptance: 0.99 });
    expect(g.fit.validationAccepted).toBeGreaterThanOrEqual(0.99);
    expect(g.fit.nFit).toBe(400);
    const guard = {
      width: 1,
      classes: ['a'],
      means: [Float32Array.from([0])],
      precision: Float32Array.from([1]),
      threshold: 1,
      fit: g.fit,
      intensity: g,
    };
    const fresh = Array.from({ length: 200 }, () => smoothHistogram(rng));
    const accepted = fresh.filter((h) => domainVerdict(guard, [0, ...h]).inDomain).length / fresh.length;
    expect(accepted).toBeGreaterThan(0.95);
    // the same bump, every other bin nearly emptied: a few levels with gaps between
    const drawn = smoothHistogram(new ModelRandom(1)).map((v, i) => (i % 2 ? v * 1e-3 : v));
    const verdict = domainVerdict(guard, [0, ...drawn]);
    expect(verdict.inDomain).toBe(false);
    expect(verdict.intensity!.score).toBeGreaterThan(10 * g.threshold);
    expect(() => fitIntensityGuard(fit.slice(0, 10), val)).toThrow(/too few/);
    expect(() => fitIntensityGuard([...fit, new Float32Array(3)], val)).toThrow(/bins/);
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
