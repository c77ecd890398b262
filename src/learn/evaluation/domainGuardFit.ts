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
import { domainScore, type DomainGuard } from '../../lib/diagnosis/domainGuard';
import type { ImageSet } from './batchPredict';

export interface DomainGuardFitOptions {
  /** weight of the scaled identity in the covariance, 0..1 */
  shrinkage?: number;
  /** share of validation images the threshold must accept */
  targetAcceptance?: number;
  fittedOn?: string;
}

/** Chosen before any Testing figure was seen: margin above the asked-for 95 % for the sampling noise of a few hundred validation images. */
export const DEFAULT_TARGET_ACCEPTANCE = 0.98;
export const DEFAULT_SHRINKAGE = 0.1;

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
  const cov = new Float64Array(d * d);
  const r = new Float64Array(d);
  fitFeatures.forEach((f, k) => {
    const m = means[fitLabels[k]];
    for (let i = 0; i < d; i++) r[i] = f[i] - m[i];
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) cov[i * d + j] += r[i] * r[j];
  });
  let trace = 0;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) cov[j * d + i] = cov[i * d + j] /= fitFeatures.length;
    trace += cov[i * d + i];
  }
  const scale = trace / d;
  for (let i = 0; i < d * d; i++) cov[i] *= 1 - shrinkage;
  for (let i = 0; i < d; i++) cov[i * d + i] += shrinkage * scale;
  const precision = Float32Array.from(invertSymmetric(cov, d));
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
  const scores = validationFeatures.map((f) => domainScore(guard, f)).sort((a, b) => a - b);
  guard.threshold = scores[Math.min(scores.length - 1, Math.ceil(target * scores.length) - 1)];
  guard.fit.validationAccepted = scores.filter((s) => s <= guard.threshold).length / scores.length;
  return guard;
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
