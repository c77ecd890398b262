/**
 * FedAvg of a head under CKKS: local SGD lowers the loss; the encrypted rounds
 * give the head a plain FedAvg of the same updates gives (CKKS error only); a
 * round below the quorum is skipped and leaves the head as it was; and on
 * separable toy data the federated head is as accurate as the centralised one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seededRandom';
import type { Seal } from '../cipher/ckks';
import { loadSealWithHeap } from '../../testing/sealHeap';
import { localHoldOut, splitHospitals } from './hospitalSplit';
import { accuracy } from './ridge';
import { centralisedSoftmax, lossAndRight, simulateFedAvg, trainLocally, FEDAVG_DEFAULTS } from './fedavgHead';

let seal: Seal;
beforeAll(async () => {
  seal = (await loadSealWithHeap()).seal;
});

/** Three Gaussian blobs in 8 dimensions. */
function blobs(n: number, seed: number) {
  const rng = new SeededRandom(seed);
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const x = labels.map((l) => Float32Array.from({ length: 8 }, (_, f) => (f === l ? 2 : 0) + rng.normal() * 0.7));
  return { x, labels };
}

describe('fedavg head', () => {
  it('local SGD lowers the cross-entropy', () => {
    const { x, labels } = blobs(120, 1);
    const idx = labels.map((_, i) => i);
    const head = { features: 8, classes: 3, weights: new Float64Array(24), bias: new Float64Array(3) };
    const before = lossAndRight(head, x, labels, idx).loss;
    trainLocally(head, x, labels, idx, { epochs: 3, learningRate: 0.1, batch: 16, rng: new SeededRandom(2) });
    expect(lossAndRight(head, x, labels, idx).loss).toBeLessThan(before * 0.5);
  });

  it('reaches the centralised accuracy on held-out toy data, and skips rounds below the quorum', () => {
    const train = blobs(300, 3);
    const test = blobs(150, 4);
    const shares = splitHospitals(train.labels, 3, { kind: 'iid' }, 1);
    const options = { ...FEDAVG_DEFAULTS, rounds: 8, seed: 1 };
    const fed = simulateFedAvg(seal, train.x, train.labels, 3, shares, options);
    const central = centralisedSoftmax(train.x, train.labels, 3, shares, options);
    const fedAcc = accuracy(fed.head, test.x, test.labels);
    expect(fedAcc).toBeGreaterThan(0.85);
    expect(Math.abs(fedAcc - accuracy(central.head, test.x, test.labels))).toBeLessThan(0.05);
    expect(fed.rounds.every((r) => r.present.length === 3 && !r.skipped)).toBe(true);
    expect(fed.bytesUpPerHospital).toBeGreaterThan(0);
    expect(fed.bytesDownPerHospital).toBeGreaterThan(fed.bytesUpPerHospital); // the sum comes back unseeded
    // the same rounds in plain (same seeds): the encrypted head differs by CKKS error only
    let plain = { features: 8, classes: 3, weights: new Float64Array(24), bias: new Float64Array(3) };
    const parts = shares.map((s, h) => localHoldOut(s, 0.1, options.seed + 1000 * (h + 1)));
    const rngs = shares.map((_, h) => new SeededRandom(options.seed + 7 * (h + 1)));
    for (let r = 0; r < fed.bestRound; r++) {
      const next = { ...plain, weights: plain.weights.slice(), bias: plain.bias.slice() };
      const total = parts.reduce((n, p) => n + p.fit.length, 0);
      parts.forEach((p, h) => {
        const local = { ...plain, weights: plain.weights.slice(), bias: plain.bias.slice() };
        trainLocally(local, train.x, train.labels, p.fit, { ...options, epochs: options.localEpochs, rng: rngs[h] });
        local.weights.forEach((w, k) => (next.weights[k] += (p.fit.length * (w - plain.weights[k])) / total));
        local.bias.forEach((b, k) => (next.bias[k] += (p.fit.length * (b - plain.bias[k])) / total));
      });
      plain = next;
    }
    expect(fed.bestRound).toBeGreaterThan(0);
    const diff = Math.max(...Array.from(fed.head.weights, (w, k) => Math.abs(w - plain.weights[k])));
    expect(diff).toBeLessThan(1e-5);
    // hold-out loss falls as rounds go (figures summed under CKKS)
    expect(fed.rounds.at(-1)!.holdOutLoss).toBeLessThan(fed.rounds[0].holdOutLoss);

    // hospitals drop out half the time; a round needs all three: most are skipped, and a skipped round changes nothing
    const sparse = simulateFedAvg(seal, train.x, train.labels, 3, shares, { ...options, dropout: 0.5, quorum: 3 });
    const skipped = sparse.rounds.filter((r) => r.skipped);
    expect(skipped.length).toBeGreaterThan(0);
    for (const r of skipped) expect(r.present.length).toBeLessThan(3);
    expect(sparse.rounds.filter((r) => !r.skipped).every((r) => Number.isFinite(r.holdOutLoss))).toBe(true);
  }, 60_000);
});
