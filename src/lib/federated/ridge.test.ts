import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seededRandom';
import type { Seal } from '../cipher/ckks';
import { loadSealWithHeap } from '../../testing/sealHeap';
import { aggregate, createHospitalKey, type AggregatorInput } from './ckksStatistics';
import { localHoldOut, parseSplit, splitHospitals } from './hospitalSplit';
import { accuracy, solveRidge, squaredError, statistics, sumStatistics } from './ridge';
import { centralisedRidge, simulateRidge } from './simulateRidge';

/** Three separable Gaussian classes in 6 dimensions. */
function synthetic(n: number, seed: number) {
  const rng = new SeededRandom(seed);
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const x = labels.map((c) => Float32Array.from({ length: 6 }, (_, f) => (f === c ? 3 : 0) + rng.normal() + f * 0.5));
  return { x, labels };
}

describe('ridge from sufficient statistics', () => {
  it('solves the normal equations: the gradient of the ridge objective is zero', () => {
    const { x, labels } = synthetic(90, 1);
    const s = statistics(x, labels, 6, 3);
    const head = solveRidge(s, 0);
    // at λ = 0 the least-squares solution has X^T (XW - Y) = 0: compare with a nudged head
    const base = squaredError(s, head);
    const nudged = { ...head, weights: head.weights.map((w, i) => (i === 4 ? w + 1e-3 : w)) };
    expect(squaredError(s, nudged)).toBeGreaterThan(base);
    expect(base).toBeGreaterThan(0);
    expect(accuracy(head, x, labels)).toBeGreaterThan(0.9);
  });

  it('the statistics of disjoint parts sum to the pooled statistics', () => {
    const { x, labels } = synthetic(60, 2);
    const a = statistics(x.slice(0, 25), labels.slice(0, 25), 6, 3);
    const b = statistics(x.slice(25), labels.slice(25), 6, 3);
    const all = statistics(x, labels, 6, 3);
    sumStatistics([a, b]).packed.forEach((v, i) => expect(v).toBeCloseTo(all.packed[i], 6));
  });
});

describe('hospital splits', () => {
  const labels = Array.from({ length: 300 }, (_, i) => i % 3);
  for (const text of ['iid', 'dirichlet:0.5']) {
    it(`${text}: seeded, disjoint, covering every image`, () => {
      const s = splitHospitals(labels, 3, parseSplit(text), 7);
      expect(splitHospitals(labels, 3, parseSplit(text), 7)).toEqual(s);
      expect(splitHospitals(labels, 3, parseSplit(text), 8)).not.toEqual(s);
      const seen = s.flat().sort((a, b) => a - b);
      expect(seen).toEqual(labels.map((_, i) => i));
    });
  }
  it('dirichlet:0.5 skews the classes more than iid', () => {
    const skew = (s: number[][]) =>
      Math.max(
        ...s.flatMap((h) => [0, 1, 2].map((c) => h.filter((i) => labels[i] === c).length / Math.max(h.length, 1))),
      );
    expect(skew(splitHospitals(labels, 3, parseSplit('dirichlet:0.5'), 3))).toBeGreaterThan(
      skew(splitHospitals(labels, 3, parseSplit('iid'), 3)) + 0.1,
    );
  });
  it('refuses a bad split', () => {
    expect(() => parseSplit('dirichlet:0')).toThrow();
    expect(() => parseSplit('random')).toThrow();
  });
  it('the local hold-out is disjoint from the fit part', () => {
    const { fit, holdOut } = localHoldOut([1, 5, 9, 12, 30, 31, 40, 41, 50, 60], 0.2, 1);
    expect(holdOut).toHaveLength(2);
    expect([...fit, ...holdOut].sort((a, b) => a - b)).toEqual([1, 5, 9, 12, 30, 31, 40, 41, 50, 60]);
  });
});

describe('CKKS sum of statistics', () => {
  let seal: Seal;
  beforeAll(async () => {
    seal = (await loadSealWithHeap()).seal;
  });

  it('the encrypted sum equals the plain sum, and the federated head the centralised one', () => {
    const { x, labels } = synthetic(150, 3);
    const shares = splitHospitals(labels, 3, parseSplit('dirichlet:0.5'), 4);
    const run = simulateRidge(seal, x, labels, 3, shares, 5);
    expect(run.maxAbsError).toBeLessThan(1e-3);
    expect(run.maxAbsStatistic).toBeGreaterThan(100);
    // the hospitals' fit + hold-out parts are the pooled data: the same head as solving the pooled statistics
    const pooled = statistics(x, labels, 6, 3);
    const central = solveRidge(pooled, run.lambda.lambda);
    run.head.weights.forEach((w, i) => expect(w).toBeCloseTo(central.weights[i], 4));
    run.head.bias.forEach((b, i) => expect(b).toBeCloseTo(central.bias[i], 4));
    expect(run.hospitals.map((h) => h.images).reduce((a, b) => a + b)).toBe(150);
    expect(run.hospitals.every((h) => h.ciphertexts === 1 && h.bytesSent > 50_000)).toBe(true);
    expect(accuracy(run.head, x, labels)).toBeGreaterThan(0.9);
    expect(centralisedRidge(x, labels, 3, 5).head.features).toBe(6);
  });

  it('the aggregator refuses keys: at compile time and at run time', () => {
    const key = createHospitalKey(seal);
    try {
      const c = key.encrypt([1, 2, 3]);
      // @ts-expect-error a secret key is not part of what the aggregator may receive
      const withKey: AggregatorInput = { contributions: [c], secretKey: new Uint8Array(8) };
      expect(() => aggregate(seal, withKey)).toThrow(/ciphertexts only/);
      // bytes that are not a ciphertext (e.g. key material passed as one) are refused by SEAL's loader or the checks
      expect(() => aggregate(seal, { contributions: [c, { length: 3, ciphertexts: [new Uint8Array(64)] }] })).toThrow();
      const sum = aggregate(seal, { contributions: [c, key.encrypt([10, 20, 30])] });
      Array.from(key.decrypt(sum)).forEach((v, i) => expect(v).toBeCloseTo([11, 22, 33][i], 5));
    } finally {
      key.dispose();
    }
  });
});
