/**
 * Calibration of a model's probabilities: temperature scaling (one T > 0 that
 * minimises the negative log-likelihood of softmax(logits / T) on validation
 * images) and the expected calibration error (ECE, equal-width confidence bins).
 * Pure functions on logits and labels; no I/O, no tensors. Never fit T on the
 * test split: `cipherscan calibrate` fits on validation and only reports Testing.
 */
import { softmaxT } from '../../lib/models/softmax';

/** The words written into model.json next to a fitted temperature. */
export const FITTED_ON_VALIDATION = 'validation (10 % of Training, seed 1)';

/** Mean negative log-likelihood of the labels under softmax(logits / T). */
export function nllAt(logits: number[][], labels: ArrayLike<number>, temperature: number): number {
  let loss = 0;
  logits.forEach((row, k) => {
    let m = -Infinity;
    for (const v of row) m = Math.max(m, v / temperature);
    const logZ = m + Math.log(row.reduce((s, v) => s + Math.exp(v / temperature - m), 0));
    loss += logZ - row[labels[k]] / temperature;
  });
  return loss / Math.max(1, logits.length);
}

/**
 * The temperature minimising validation NLL: golden-section search on log T over
 * [1/20, 20] (NLL is unimodal in T for a fixed set of logits in practice; the
 * bracket ends are returned if the optimum lies beyond them).
 */
export function fitTemperature(
  logits: number[][],
  labels: ArrayLike<number>,
  opts: { min?: number; max?: number; tolerance?: number } = {},
): { temperature: number; nllBefore: number; nllAfter: number } {
  if (logits.length === 0) throw new Error('fitTemperature needs at least one image');
  const f = (logT: number) => nllAt(logits, labels, Math.exp(logT));
  let a = Math.log(opts.min ?? 1 / 20);
  let b = Math.log(opts.max ?? 20);
  const tol = opts.tolerance ?? 1e-5;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tol) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  const temperature = Math.exp((a + b) / 2);
  return { temperature, nllBefore: nllAt(logits, labels, 1), nllAfter: nllAt(logits, labels, temperature) };
}

/**
 * Expected calibration error: images binned by confidence (their top probability)
 * into `bins` equal-width bins over (0, 1]; the share-weighted mean of
 * |accuracy − mean confidence| over the bins.
 */
export function expectedCalibrationError(probabilities: number[][], labels: ArrayLike<number>, bins = 15): number {
  const n = probabilities.length;
  if (n === 0) return 0;
  const count = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  const confSum = new Array<number>(bins).fill(0);
  probabilities.forEach((p, k) => {
    let best = 0;
    for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
    const conf = p[best];
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(conf * bins) - 1));
    count[b]++;
    confSum[b] += conf;
    if (best === labels[k]) correct[b]++;
  });
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]) ece += Math.abs(correct[b] - confSum[b]) / n;
  return ece;
}

/** ECE of softmax(logits / T). */
export function eceAt(logits: number[][], labels: ArrayLike<number>, temperature: number, bins = 15): number {
  return expectedCalibrationError(
    logits.map((row) => softmaxT(row, temperature)),
    labels,
    bins,
  );
}
