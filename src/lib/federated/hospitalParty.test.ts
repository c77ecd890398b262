import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seededRandom';
import type { Seal } from '../cipher/ckks';
import { loadSealWithHeap } from '../../testing/sealHeap';
import { aggregate } from './ckksStatistics';
import { splitHospitals } from './hospitalSplit';
import { HospitalParty } from './hospitalParty';
import { accuracy } from './ridge';
import { centralisedRidge } from './simulateRidge';

let seal: Seal;
beforeAll(async () => {
  ({ seal } = await loadSealWithHeap());
}, 60_000);

/** Three separable Gaussian classes in 6 dimensions. */
function synthetic(n: number, seed: number) {
  const rng = new SeededRandom(seed);
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const x = labels.map((c) => Float32Array.from({ length: 6 }, (_, f) => (f === c ? 3 : 0) + rng.normal() + f * 0.5));
  return { x, labels };
}

function parties(n: number) {
  const { x, labels } = synthetic(n, 3);
  const shares = splitHospitals(labels, 3, { kind: 'iid' }, 11);
  const hospitals = shares.map(
    (share, h) =>
      new HospitalParty(
        seal,
        h,
        share.map((i) => x[i]),
        share.map((i) => labels[i]),
        3,
        5,
      ),
  );
  const secret = hospitals[0].makeKey();
  hospitals.slice(1).forEach((p) => p.takeKey(secret));
  return { x, labels, hospitals };
}

describe('hospital parties of a live run', () => {
  it('ridge from three parties sums to a head as good as the pooled one', () => {
    const { x, labels, hospitals } = parties(150);
    try {
      const sum = aggregate(seal, { contributions: hospitals.map((p) => p.ridgeMessage()) });
      const solved = hospitals.map((p) => p.solveRidge(sum));
      // every hospital decrypts the same sum to the same head
      solved[1].head.weights.forEach((w, i) => expect(w).toBeCloseTo(solved[0].head.weights[i], 6));
      const central = centralisedRidge(x, labels, 3, 5).head;
      expect(accuracy(solved[0].head, x, labels)).toBeGreaterThan(0.9);
      expect(Math.abs(accuracy(solved[0].head, x, labels) - accuracy(central, x, labels))).toBeLessThan(0.03);
    } finally {
      hospitals.forEach((p) => p.dispose());
    }
  });

  it('FedAvg rounds with a quorum of two move every present hospital to the same, better head', () => {
    const { x, labels, hospitals } = parties(150);
    try {
      const opts = { localEpochs: 3, learningRate: 0.1, batch: 16 };
      const before = accuracy(hospitals[0].head, x, labels);
      let last = 0;
      for (let round = 1; round <= 5; round++) {
        // hospital 3 misses round 3: the sum holds two updates and it catches up from seat 0's head
        const present = round === 3 ? hospitals.slice(0, 2) : hospitals;
        const sum = aggregate(seal, { contributions: present.map((p) => p.fedavgMessage(opts)) });
        const summaries = present.map((p) => p.applyRound(sum));
        expect(summaries[0].images).toBe(present.length === 2 ? 90 : 135);
        if (present.length === 2) hospitals[2].head = hospitals[0].head;
        last = accuracy(summaries[0].head, x, labels);
      }
      expect(before).toBeLessThan(0.5);
      expect(last).toBeGreaterThan(0.9);
      hospitals[2].head.weights.forEach((w, i) => expect(w).toBeCloseTo(hospitals[0].head.weights[i], 6));
    } finally {
      hospitals.forEach((p) => p.dispose());
    }
  });

  it('refuses to encrypt before it holds the key', () => {
    const p = new HospitalParty(seal, 1, [Float32Array.of(1, 2)], [0], 2, 1);
    expect(() => p.ridgeMessage()).toThrow(/no CKKS key/);
  });
});
