/**
 * The federated ridge protocol, simulated in one process (issue 17 (a)): the
 * hospitals, the aggregator and their messages are separate objects and byte
 * strings here, not separate processes over HTTP (that is left).
 *
 * 1. Hospital 0 makes the CKKS key; the others receive it (simulated: shared object).
 * 2. Each hospital splits its own images into fit and a seeded 10 % hold-out,
 *    computes the statistics of both (ridge.ts), and encrypts them together: one
 *    message of ciphertexts.
 * 3. The aggregator sums the messages on ciphertext (ckksStatistics.ts aggregate).
 * 4. A hospital decrypts the sum, picks λ on the pooled hold-out's squared error,
 *    and solves the head on all its Training statistics.
 * The plain sums are computed alongside only to report the CKKS error.
 */
import type { Seal } from '../cipher/ckks';
import { aggregate, ciphertextsFor, createHospitalKey, type EncryptedVector } from './ckksStatistics';
import { localHoldOut } from './hospitalSplit';
import { addHospitalNoise, clipRows } from './differentialPrivacy';
import {
  chooseLambda,
  LAMBDA_GRID,
  solveRidge,
  statistics,
  statisticsLength,
  sumStatistics,
  type LambdaChoice,
  type RidgeHead,
  type Statistics,
} from './ridge';

export interface HospitalReport {
  images: number;
  classCounts: number[];
  ciphertexts: number;
  bytesSent: number;
  encryptMs: number;
}

export interface RidgeRun {
  head: RidgeHead;
  lambda: LambdaChoice;
  hospitals: HospitalReport[];
  aggregateMs: number;
  decryptSolveMs: number;
  /** largest |decrypted sum − plain sum| over all statistics, and the largest |plain sum| for scale */
  maxAbsError: number;
  maxAbsStatistic: number;
  /** bytes of one ciphertext as sent (seeded, zstd), the mean over this run's */
  bytesPerCiphertext: number;
  /** bytes of the summed ciphertexts a hospital receives to decrypt */
  bytesDown: number;
}

const HOLD_OUT = 0.1;

function split(vector: Float64Array, features: number, classes: number): [Statistics, Statistics] {
  const n = statisticsLength(features, classes);
  return [
    { features, classes, packed: vector.slice(0, n) },
    { features, classes, packed: vector.slice(n, 2 * n) },
  ];
}

/**
 * One hospital's message in plain, before encryption: the statistics of its fit
 * part and of its seeded 10 % local hold-out (hospital `h` of the split, seed as
 * in the simulation), packed one after the other. Each hospital process computes
 * it from its own rows only.
 */
export function hospitalStatistics(
  x: ArrayLike<number>[],
  labels: number[],
  share: number[],
  h: number,
  classes: number,
  seed: number,
): Float64Array {
  const features = x[0].length;
  const { fit, holdOut } = localHoldOut(share, HOLD_OUT, seed + 1000 * (h + 1));
  const part = (idx: number[]) =>
    statistics(
      idx.map((i) => x[i]),
      idx.map((i) => labels[i]),
      features,
      classes,
    ).packed;
  const vector = new Float64Array(2 * statisticsLength(features, classes));
  vector.set(part(fit));
  vector.set(part(holdOut), statisticsLength(features, classes));
  return vector;
}

/** What a hospital does with the decrypted sum: λ on the pooled hold-outs, then the head on all statistics. */
export function headFromSum(
  decrypted: Float64Array,
  features: number,
  classes: number,
  grid: readonly number[] = LAMBDA_GRID,
): { head: RidgeHead; lambda: LambdaChoice } {
  const [fitSum, holdSum] = split(decrypted, features, classes);
  const lambda = chooseLambda(fitSum, holdSum, grid);
  return { head: solveRidge(sumStatistics([fitSum, holdSum]), lambda.lambda), lambda };
}

/** Runs the protocol over `shares` (indices into x and labels per hospital). */
export function simulateRidge(
  seal: Seal,
  x: ArrayLike<number>[],
  labels: number[],
  classes: number,
  shares: number[][],
  seed: number,
  /** differential privacy: rows clipped to norm `clip`, N(0, σ²) in the sum (each hospital adds its share) */
  dp?: { sigma: number; clip: number },
): RidgeRun {
  const features = x[0].length;
  if (dp) x = clipRows(x, dp.clip);
  const grid = dp ? [...LAMBDA_GRID, 3, 10, 30, 100] : LAMBDA_GRID;
  const key = createHospitalKey(seal);
  try {
    const plain: Float64Array[] = [];
    const messages: EncryptedVector[] = [];
    const hospitals = shares.map((share, h) => {
      const vector = hospitalStatistics(x, labels, share, h, classes, seed);
      if (dp) addHospitalNoise(vector, dp.sigma, shares.length);
      plain.push(vector);
      const t = performance.now();
      const message = key.encrypt(vector);
      const encryptMs = performance.now() - t;
      messages.push(message);
      const classCounts = Array.from({ length: classes }, (_, c) => share.filter((i) => labels[i] === c).length);
      return {
        images: share.length,
        classCounts,
        ciphertexts: message.ciphertexts.length,
        bytesSent: message.ciphertexts.reduce((s, b) => s + b.byteLength, 0),
        encryptMs,
      };
    });
    const t0 = performance.now();
    const sum = aggregate(seal, { contributions: messages });
    const aggregateMs = performance.now() - t0;
    const t1 = performance.now();
    const decrypted = key.decrypt(sum);
    const { head, lambda } = headFromSum(decrypted, features, classes, grid);
    const decryptSolveMs = performance.now() - t1;
    const plainSum = new Float64Array(decrypted.length);
    for (const p of plain) p.forEach((v, i) => (plainSum[i] += v));
    let maxAbsError = 0;
    let maxAbsStatistic = 0;
    plainSum.forEach((v, i) => {
      maxAbsError = Math.max(maxAbsError, Math.abs(v - decrypted[i]));
      maxAbsStatistic = Math.max(maxAbsStatistic, Math.abs(v));
    });
    const all = messages.flatMap((m) => m.ciphertexts);
    const bytesPerCiphertext = all.reduce((s, b) => s + b.byteLength, 0) / all.length;
    const bytesDown = sum.ciphertexts.reduce((s, b) => s + b.byteLength, 0);
    return {
      head,
      lambda,
      hospitals,
      aggregateMs,
      decryptSolveMs,
      maxAbsError,
      maxAbsStatistic,
      bytesPerCiphertext,
      bytesDown,
    };
  } finally {
    key.dispose();
  }
}

/** The centralised baseline: the same λ rule and solve on the pooled data in plain (a seeded 10 % hold-out of it). */
export function centralisedRidge(
  x: ArrayLike<number>[],
  labels: number[],
  classes: number,
  seed: number,
): { head: RidgeHead; lambda: LambdaChoice } {
  const features = x[0].length;
  const { fit, holdOut } = localHoldOut(
    labels.map((_, i) => i),
    HOLD_OUT,
    seed,
  );
  const stats = (idx: number[]) =>
    statistics(
      idx.map((i) => x[i]),
      idx.map((i) => labels[i]),
      features,
      classes,
    );
  const f = stats(fit);
  const h = stats(holdOut);
  const lambda = chooseLambda(f, h);
  return { head: solveRidge(sumStatistics([f, h]), lambda.lambda), lambda };
}

/**
 * Traffic of the alternative, per hospital: CKKS-encrypted gradients every round
 * of FedAvg, `rounds` rounds (an estimate: the count FedAvg needs is not measured
 * here), `parameters` numbers per gradient, at the measured bytes per ciphertext.
 */
export function gradientTraffic(parameters: number, rounds: number, bytesPerCiphertext: number) {
  const ciphertextsPerRound = ciphertextsFor(parameters);
  return {
    parameters,
    rounds,
    ciphertextsPerRound,
    bytesPerRound: ciphertextsPerRound * bytesPerCiphertext,
    bytesTotal: rounds * ciphertextsPerRound * bytesPerCiphertext,
  };
}
