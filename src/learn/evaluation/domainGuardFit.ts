/**
 * Fits a model's out-of-domain guard (src/lib/diagnosis/domainGuard.ts): class
 * means and a shared covariance of the head's input features on fitting images
 * (Training outside validation), shrunk towards a scaled identity so the
 * inverse is stable with few images per dimension; then the threshold on the
 * validation split, so at least `targetAcceptance` of validation images pass.
 * Testing never enters here. Also the feature extraction over an ImageSet
 * (batched, as predictSet does). Node CLI only; pure apart from tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import type { DiagnosisModel } from '../../lib/models/model';
import {
  domainScore,
  intensityScore,
  logShares,
  type DomainGuard,
  type IntensityGuard,
} from '../../lib/diagnosis/domainGuard';
import { INTENSITY_BINS } from '../../lib/models/intensityHistogram';
import type { ImageSet } from './batchPredict';

export interface DomainGuardFitOptions {
  /** weight of the scaled identity in the covariance, 0..1 */
  shrinkage?: number;
  /** share of validation images the threshold must accept */
  targetAcceptance?: number;
  fittedOn?: string;
}

/**
 * Share of validation each score accepts. Version 1 guards used 0.98 (one score);
 * version 2 refuses when either of two scores refuses, so each accepts 0.99 and
 * together they keep about 98 % of validation. Chosen before any Testing figure was read.
 */
export const DEFAULT_TARGET_ACCEPTANCE = 0.99;
export const DEFAULT_SHRINKAGE = 0.1;
/** Intensity score: little shrinkage (32 dimensions, thousands of images) and the floor of the log shares. */
export const INTENSITY_SHRINKAGE = 0.01;
export const INTENSITY_EPSILON = 1e-4;

/** Head-input features [N][d] for images `indices` of `set` (all when absent), `batch` at a time. */
export async function featuresOf(
  model: DiagnosisModel,
  set: ImageSet,
  indices?: number[],
  opts: { batch?: number; onBatch?: (done: number, total: number) => void } = {},
): Promise<Float32Array[]> {
  const batch = opts.batch ?? 32;
  const ids = indices ?? Array.from({ length: set.labels.length }, (_, i) => i);
  const per = set.size * set.size * 3;
  const out: Float32Array[] = [];
  for (let start = 0; start < ids.length; start += batch) {
    const chunk = ids.slice(start, start + batch);
    const data = new Float32Array(chunk.length * per);
    chunk.forEach((id, k) => data.set(set.pixels.subarray(id * per, (id + 1) * per), k * per));
    const f = tf.tidy(() => model.domainFeatures(tf.tensor4d(data, [chunk.length, set.size, set.size, 3])));
    const values = (await f.data()) as Float32Array;
    const d = f.shape[1];
    f.dispose();
    for (let k = 0; k < chunk.length; k++) out.push(values.slice(k * d, (k + 1) * d));
    opts.onBatch?.(Math.min(start + batch, ids.length), ids.length);
  }
  return out;
}

export function fitDomainGuard(
  classes: string[],
  fitFeatures: Float32Array[],
  fitLabels: ArrayLike<number>,
  validationFeatures: Float32Array[],
  opts: DomainGuardFitOptions = {},
): DomainGuard {
  const shrinkage = opts.shrinkage ?? DEFAULT_SHRINKAGE;
  const target = opts.targetAcceptance ?? DEFAULT_TARGET_ACCEPTANCE;
  if (!(shrinkage > 0 && shrinkage <= 1)) throw new Error('shrinkage must be in (0, 1]');
  if (!(target > 0 && target < 1)) throw new Error('targetAcceptance must be in (0, 1)');
  if (fitFeatures.length < 2 || validationFeatures.length < 1) throw new Error('too few images to fit a domain guard');
  const d = fitFeatures[0].length;
  const C = classes.length;
  const sums = Array.from({ length: C }, () => new Float64Array(d));
  const counts = new Array<number>(C).fill(0);
  fitFeatures.forEach((f, k) => {
    const c = fitLabels[k];
    counts[c]++;
    for (let i = 0; i < d; i++) sums[c][i] += f[i];
  });
  if (counts.some((n) => n === 0)) throw new Error('every class needs fitting images');
  const means = sums.map((s, c) => Float32Array.from(s, (v) => v / counts[c]));
  const precision = Float32Array.from(
    shrunkPrecision(
      fitFeatures.map((f, k) => ({ x: f, mean: means[fitLabels[k]] })),
      d,
      shrinkage,
    ),
  );
  const guard: DomainGuard = {
    width: d,
    classes,
    means,
    precision,
    threshold: 1,
    fit: {
      shrinkage,
      nFit: fitFeatures.length,
      nValidation: validationFeatures.length,
      validationAccepted: 0,
      targetAcceptance: target,
      fittedOn: opts.fittedOn ?? 'Training outside validation; threshold on validation',
    },
  };
  const scores = validationFeatures.map((f) => domainScore(guard, f));
  guard.threshold = quantileThreshold(scores, target);
  guard.fit.validationAccepted = scores.filter((s) => s <= guard.threshold).length / scores.length;
  return guard;
}

/** The smallest score that accepts at least `target` of `scores`. */
function quantileThreshold(scores: number[], target: number): number {
  const sorted = scores.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(target * sorted.length) - 1)];
}

/** Precision (inverse of the covariance around each row's mean, shrunk towards a scaled identity), float64. */
function shrunkPrecision(rows: { x: ArrayLike<number>; mean: ArrayLike<number> }[], d: number, shrinkage: number) {
  const cov = new Float64Array(d * d);
  const r = new Float64Array(d);
  for (const { x, mean } of rows) {
    for (let i = 0; i < d; i++) r[i] = x[i] - mean[i];
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) cov[i * d + j] += r[i] * r[j];
  }
  let trace = 0;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) cov[j * d + i] = cov[i * d + j] /= rows.length;
    trace += cov[i * d + i];
  }
  const scale = trace / d;
  for (let i = 0; i < d * d; i++) cov[i] *= 1 - shrinkage;
  for (let i = 0; i < d; i++) cov[i * d + i] += shrinkage * scale;
  return invertSymmetric(cov, d);
}

/**
 * The version 2 intensity score (lib/diagnosis/domainGuard.ts): mean and shrunk
 * covariance of log(share + epsilon) of the intensity histograms of the fitting
 * images, threshold accepting `targetAcceptance` of the validation histograms.
 */
export function fitIntensityGuard(
  fitHistograms: ArrayLike<number>[],
  validationHistograms: ArrayLike<number>[],
  opts: DomainGuardFitOptions & { epsilon?: number } = {},
): IntensityGuard {
  const shrinkage = opts.shrinkage ?? INTENSITY_SHRINKAGE;
  const target = opts.targetAcceptance ?? DEFAULT_TARGET_ACCEPTANCE;
  const epsilon = opts.epsilon ?? INTENSITY_EPSILON;
  if (fitHistograms.length < INTENSITY_BINS + 1 || validationHistograms.length < 1)
    throw new Error('too few images to fit the intensity score');
  if ([...fitHistograms, ...validationHistograms].some((h) => h.length !== INTENSITY_BINS))
    throw new Error(`intensity histograms have ${INTENSITY_BINS} bins`);
  const logs = fitHistograms.map((h) => logShares(h, epsilon));
  const mean = new Float64Array(INTENSITY_BINS);
  for (const l of logs) for (let i = 0; i < INTENSITY_BINS; i++) mean[i] += l[i] / logs.length;
  const intensity: IntensityGuard = {
    epsilon,
    mean: Float32Array.from(mean),
    precision: Float32Array.from(
      shrunkPrecision(
        logs.map((x) => ({ x, mean })),
        INTENSITY_BINS,
        shrinkage,
      ),
    ),
    threshold: 1,
    fit: {
      shrinkage,
      nFit: fitHistograms.length,
      nValidation: validationHistograms.length,
      validationAccepted: 0,
      targetAcceptance: target,
      fittedOn: opts.fittedOn ?? 'Training outside validation; threshold on validation',
    },
  };
  const scores = validationHistograms.map((h) => intensityScore(intensity, h, 0));
  intensity.threshold = quantileThreshold(scores, target);
  intensity.fit.validationAccepted = scores.filter((s) => s <= intensity.threshold).length / scores.length;
  return intensity;
}

/** Inverse of a symmetric positive-definite matrix (Gauss-Jordan, float64), symmetrised. */
export function invertSymmetric(a: Float64Array, d: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++) inv[i * d + i] = 1;
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(m[r * d + col]) > Math.abs(m[pivot * d + col])) pivot = r;
    if (Math.abs(m[pivot * d + col]) < 1e-12) throw new Error('covariance is singular');
    if (pivot !== col)
      for (let j = 0; j < d; j++) {
        [m[col * d + j], m[pivot * d + j]] = [m[pivot * d + j], m[col * d + j]];
        [inv[col * d + j], inv[pivot * d + j]] = [inv[pivot * d + j], inv[col * d + j]];
      }
    const p = m[col * d + col];
    for (let j = 0; j < d; j++) {
      m[col * d + j] /= p;
      inv[col * d + j] /= p;
    }
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = m[r * d + col];
      if (f === 0) continue;
      for (let j = 0; j < d; j++) {
        m[r * d + j] -= f * m[col * d + j];
        inv[r * d + j] -= f * inv[col * d + j];
      }
    }
  }
  for (let i = 0; i < d; i++)
    for (let j = i + 1; j < d; j++) inv[i * d + j] = inv[j * d + i] = (inv[i * d + j] + inv[j * d + i]) / 2;
  return inv;
}
