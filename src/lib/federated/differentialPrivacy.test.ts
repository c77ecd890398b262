/**
 * Differential privacy on the ridge statistics: the analytic Gaussian σ meets δ
 * exactly and beats the classic bound; the sensitivity bounds what one clipped
 * image really changes in the packed statistics; clipping and the hospitals'
 * noise shares do what they say.
 */
import { describe, expect, it } from 'vitest';
import {
  addHospitalNoise,
  analyticGaussianSigma,
  clipRows,
  gaussianDelta,
  normalCdf,
  statisticsSensitivity,
} from './differentialPrivacy';
import { statistics } from './ridge';

describe('differential privacy', () => {
  it('normalCdf matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
    expect(normalCdf(-3)).toBeCloseTo(0.00135, 5);
  });

  it('finds the σ whose δ is the target, below the classic bound, larger for smaller ε', () => {
    const s1 = analyticGaussianSigma(1, 1e-5, 1);
    expect(gaussianDelta(s1, 1, 1)).toBeLessThanOrEqual(1e-5);
    expect(gaussianDelta(s1 * 0.99, 1, 1)).toBeGreaterThan(1e-5);
    expect(s1).toBeLessThan(Math.sqrt(2 * Math.log(1.25 / 1e-5))); // classic σ at ε = 1
    expect(s1).toBeGreaterThan(3.5);
    expect(analyticGaussianSigma(3, 1e-5, 1)).toBeLessThan(s1);
    expect(analyticGaussianSigma(1, 1e-5, 2)).toBeCloseTo(2 * s1, 3);
  });

  it('bounds the change one clipped image makes to the packed statistics', () => {
    const clip = 3;
    const rows = clipRows(
      [
        [4, 0, 0],
        [1, 1, 1],
        [0, -9, 2],
      ],
      clip,
    );
    rows.forEach((r) => expect(Math.hypot(...r)).toBeLessThanOrEqual(clip + 1e-6));
    expect(Array.from(rows[1])).toEqual([1, 1, 1]); // inside the ball: unchanged
    const without = statistics(rows.slice(0, 2), [0, 1], 3, 2).packed;
    const withIt = statistics(rows, [0, 1, 1], 3, 2).packed;
    const change = Math.hypot(...withIt.map((v, i) => v - without[i]));
    expect(change).toBeLessThanOrEqual(statisticsSensitivity(clip) + 1e-9);
    expect(change).toBeGreaterThan(0.5 * statisticsSensitivity(clip)); // the bound is not loose by orders
  });

  it('each hospital adds N(0, σ²/H): the sum of H shares has variance σ²', () => {
    const n = 20_000;
    const sum = new Float64Array(n);
    for (let h = 0; h < 4; h++) addHospitalNoise(sum, 2, 4);
    const mean = sum.reduce((s, v) => s + v, 0) / n;
    const variance = sum.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(variance).toBeGreaterThan(3.8);
    expect(variance).toBeLessThan(4.2);
  });
});
