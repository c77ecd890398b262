/**
 * One-shot ridge regression of a model head from sufficient statistics
 * (issue 17 (a), DESIGN.md §9): a hospital's whole contribution is A = XᵀX and
 * B = XᵀY of its own features X (n × d, plus a bias column of ones) and one-hot
 * labels Y (n × C). Sums of these over hospitals are the pooled data's, so the
 * head solved from the summed statistics is exactly the centralised ridge head:
 * one message per hospital, no rounds.
 *
 * λ is chosen without pooling data and without a second round: each hospital
 * also sends the statistics of a seeded local hold-out (10 % of its images); the
 * validation squared error of any head W on the pooled hold-out is a function of
 * those statistics only, ‖Y − XW‖² = tr(YᵀY) − 2 tr(WᵀB) + tr(WᵀAW), with
 * tr(YᵀY) = n for one-hot Y. The grid λ minimising it is kept, and the final
 * head is solved on fit + hold-out statistics together (all of Training).
 * The criterion is squared error, not accuracy: say so where λ is reported.
 *
 * Packing: A is symmetric, so only its upper triangle travels:
 * (d+1)(d+2)/2 + (d+1)·C numbers per block. Solving is Cholesky in float64.
 * The bias is not penalised (λ on the features only), and λ is relative to the
 * mean diagonal of A so one grid fits features of any scale.
 */

export interface Statistics {
  /** feature size d (the bias column makes d + 1) */
  features: number;
  classes: number;
  /** upper triangle of A = XᵀX, (d+1)(d+2)/2 entries, row by row, then B = XᵀY, (d+1) × C row-major */
  packed: Float64Array;
}

export const statisticsLength = (features: number, classes: number): number =>
  ((features + 1) * (features + 2)) / 2 + (features + 1) * classes;

/** A and B of `x` (rows of length d) with labels in [0, classes). */
export function statistics(x: ArrayLike<number>[], labels: number[], features: number, classes: number): Statistics {
  const m = features + 1;
  const a = new Float64Array(m * m);
  const b = new Float64Array(m * classes);
  const row = new Float64Array(m);
  x.forEach((xi, i) => {
    if (xi.length !== features) throw new Error(`feature row ${i} has ${xi.length} values, expected ${features}`);
    for (let f = 0; f < features; f++) row[f] = xi[f];
    row[features] = 1;
    for (let p = 0; p < m; p++) {
      const v = row[p];
      for (let q = p; q < m; q++) a[p * m + q] += v * row[q];
      b[p * classes + labels[i]] += v;
    }
  });
  const packed = new Float64Array(statisticsLength(features, classes));
  let k = 0;
  for (let p = 0; p < m; p++) for (let q = p; q < m; q++) packed[k++] = a[p * m + q];
  packed.set(b, k);
  return { features, classes, packed };
}

/** Elementwise sum (the plain reference for the encrypted sum). */
export function sumStatistics(parts: Statistics[]): Statistics {
  const packed = new Float64Array(parts[0].packed.length);
  for (const p of parts) p.packed.forEach((v, i) => (packed[i] += v));
  return { features: parts[0].features, classes: parts[0].classes, packed };
}

/** A (full symmetric, (d+1)²) and B ((d+1) × C) from the packed form. */
export function unpack(s: Statistics): { a: Float64Array; b: Float64Array; m: number } {
  const m = s.features + 1;
  const a = new Float64Array(m * m);
  let k = 0;
  for (let p = 0; p < m; p++)
    for (let q = p; q < m; q++) {
      a[p * m + q] = s.packed[k];
      a[q * m + p] = s.packed[k++];
    }
  return { a, b: s.packed.slice(k, k + m * s.classes), m };
}

/** A ridge head: W (d × C, row-major, like the weights file's head.w) and bias (C). */
export interface RidgeHead {
  weights: Float64Array;
  bias: Float64Array;
  features: number;
  classes: number;
}

/** Solves (A + λ·s·I') W = B by Cholesky, s = mean feature diagonal of A, I' = I without the bias entry. */
export function solveRidge(s: Statistics, lambda: number): RidgeHead {
  const { a, b, m } = unpack(s);
  const c = s.classes;
  const d = s.features;
  let diag = 0;
  for (let f = 0; f < d; f++) diag += a[f * m + f];
  const shift = (lambda * diag) / d;
  for (let f = 0; f < d; f++) a[f * m + f] += shift;
  // Cholesky: a = L Lᵀ, L in the lower triangle
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * m + j];
      for (let k = 0; k < j; k++) sum -= l[i * m + k] * l[j * m + k];
      if (i === j) {
        if (!(sum > 0)) throw new Error('the statistics are not positive definite: raise λ or add images');
        l[i * m + i] = Math.sqrt(sum);
      } else l[i * m + j] = sum / l[j * m + j];
    }
  }
  const w = new Float64Array(m * c);
  for (let col = 0; col < c; col++) {
    const y = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let sum = b[i * c + col];
      for (let k = 0; k < i; k++) sum -= l[i * m + k] * y[k];
      y[i] = sum / l[i * m + i];
    }
    for (let i = m - 1; i >= 0; i--) {
      let sum = y[i];
      for (let k = i + 1; k < m; k++) sum -= l[k * m + i] * w[k * c + col];
      w[i * c + col] = sum / l[i * m + i];
    }
  }
  return { features: d, classes: c, weights: w.slice(0, d * c), bias: w.slice(d * c) };
}

/** ‖Y − XW‖² over the rows the statistics came from (one-hot Y: tr(YᵀY) = n = A's bias entry). */
export function squaredError(s: Statistics, head: RidgeHead): number {
  const { a, b, m } = unpack(s);
  const c = s.classes;
  const w = new Float64Array(m * c);
  w.set(head.weights);
  w.set(head.bias, head.features * c);
  let err = a[m * m - 1];
  for (let col = 0; col < c; col++) {
    for (let p = 0; p < m; p++) {
      const wp = w[p * c + col];
      err -= 2 * wp * b[p * c + col];
      let aw = 0;
      for (let q = 0; q < m; q++) aw += a[p * m + q] * w[q * c + col];
      err += wp * aw;
    }
  }
  return err;
}

export const LAMBDA_GRID = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1] as const;

export interface LambdaChoice {
  lambda: number;
  /** validation squared error per image, per grid λ */
  validation: { lambda: number; mse: number }[];
}

/** λ from the grid minimising the pooled hold-out's squared error of heads fitted on the fit part. */
export function chooseLambda(
  fit: Statistics,
  holdOut: Statistics,
  grid: readonly number[] = LAMBDA_GRID,
): LambdaChoice {
  const n = holdOut.packed[((fit.features + 1) * (fit.features + 2)) / 2 - 1];
  // a λ whose system is not positive definite (noisy statistics under differential privacy) is not a candidate
  const validation = grid.map((lambda) => {
    try {
      return { lambda, mse: squaredError(holdOut, solveRidge(fit, lambda)) / n };
    } catch {
      return { lambda, mse: Infinity };
    }
  });
  if (validation.every((v) => v.mse === Infinity)) throw new Error('no λ of the grid gives a positive definite system');
  const best = validation.reduce((x, y) => (y.mse < x.mse ? y : x));
  return { lambda: best.lambda, validation };
}

export function headLogits(head: RidgeHead, x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(head.bias);
  for (let f = 0; f < head.features; f++)
    for (let c = 0; c < head.classes; c++) out[c] += x[f] * head.weights[f * head.classes + c];
  return out;
}

export function accuracy(head: RidgeHead, x: ArrayLike<number>[], labels: number[]): number {
  let right = 0;
  x.forEach((xi, i) => {
    const z = headLogits(head, xi);
    if (z.indexOf(Math.max(...z)) === labels[i]) right++;
  });
  return right / x.length;
}
