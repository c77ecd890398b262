/**
 * Gaussian differential privacy on the federated ridge statistics (issue 17,
 * optional): what the hospitals' decrypted sum — and the head solved from it —
 * can reveal about any one image is bounded by (ε, δ).
 *
 * * Clipping: every feature row is scaled down to L2 norm ≤ C, so one image
 *   changes A = X̃ᵀX̃ by x̃x̃ᵀ (Frobenius ‖x̃‖² ≤ C² + 1, x̃ = [x, 1]) and
 *   B = X̃ᵀY by x̃yᵀ (‖x̃‖ ≤ √(C² + 1)); only A's upper triangle travels, whose
 *   L2 norm is at most the Frobenius norm. Sensitivity Δ = √((C²+1)² + (C²+1)).
 *   An image is in a hospital's fit part or its hold-out, never both, so the
 *   two blocks together have the same Δ.
 * * Noise: the analytic Gaussian mechanism (Balle & Wang 2018): the smallest σ
 *   with δ(σ) = Φ(Δ/2σ − εσ/Δ) − e^ε Φ(−Δ/2σ − εσ/Δ) ≤ δ (valid for any ε > 0,
 *   unlike the classic σ = Δ√(2 ln 1.25/δ)/ε, which needs ε < 1).
 * * Distributed: each of H hospitals adds N(0, σ²/H) to its own statistics
 *   before encrypting, so the sum carries N(0, σ²) and no one ever holds the
 *   noiseless sum. If t hospitals collude, the noise they know is theirs: the
 *   guarantee against them is that of σ²(H − t)/H. Say so where ε is reported.
 */

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** δ the Gaussian mechanism with noise σ achieves at ε for sensitivity Δ (Balle & Wang 2018, Theorem 8). */
export function gaussianDelta(sigma: number, epsilon: number, sensitivity: number): number {
  const a = sensitivity / (2 * sigma);
  const b = (epsilon * sigma) / sensitivity;
  return normalCdf(a - b) - Math.exp(epsilon) * normalCdf(-a - b);
}

/** The smallest σ (to 0.01 %) that gives (ε, δ)-DP for sensitivity Δ. */
export function analyticGaussianSigma(epsilon: number, delta: number, sensitivity: number): number {
  if (!(epsilon > 0) || !(delta > 0 && delta < 1) || !(sensitivity > 0))
    throw new Error('ε > 0, 0 < δ < 1 and a positive sensitivity are needed');
  let lo = 0;
  let hi = sensitivity;
  while (gaussianDelta(hi, epsilon, sensitivity) > delta) hi *= 2;
  while ((hi - lo) / hi > 1e-4) {
    const mid = (lo + hi) / 2;
    if (gaussianDelta(mid, epsilon, sensitivity) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Δ of the packed ridge statistics for rows clipped to norm C (see above). */
export function statisticsSensitivity(clip: number): number {
  const r2 = clip * clip + 1;
  return Math.sqrt(r2 * r2 + r2);
}

/** Rows scaled to L2 norm ≤ C (rows inside the ball unchanged). */
export function clipRows(x: ArrayLike<number>[], clip: number): Float32Array[] {
  return x.map((row) => {
    let n = 0;
    for (let i = 0; i < row.length; i++) n += row[i] * row[i];
    const scale = Math.min(1, clip / Math.sqrt(n || 1));
    return Float32Array.from(row, (v) => v * scale);
  });
}

export interface DpSettings {
  epsilon: number;
  delta: number;
  clip: number;
}

/**
 * One hospital's share of the noise: N(0, σ²/H) on every statistic. From the
 * platform's cryptographic generator, never a seeded one: noise anyone can
 * regenerate from a seed can be subtracted (so runs differ slightly; report
 * repeats).
 */
export function addHospitalNoise(vector: Float64Array, sigma: number, hospitals: number): void {
  const s = sigma / Math.sqrt(hospitals);
  const u = new Uint32Array(2 * Math.ceil(vector.length / 2));
  // getRandomValues fills at most 65,536 bytes a call
  for (let i = 0; i < u.length; i += 16384) crypto.getRandomValues(u.subarray(i, i + 16384));
  for (let i = 0; i < vector.length; i += 2) {
    // Box–Muller on two uniforms in (0, 1]
    const u1 = (u[i] + 1) / 4294967296;
    const u2 = (u[i + 1] + 1) / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1));
    vector[i] += s * r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < vector.length) vector[i + 1] += s * r * Math.sin(2 * Math.PI * u2);
  }
}
