/**
 * Runs a model over an in-memory image set in batches and returns class
 * probabilities (and raw logits). Optionally transforms each image first (e.g.
 * BPE encryption, a test-time attack). No I/O; used by training, eval and bench.
 * Probabilities use the model's temperature (its calibration) as the page's do;
 * logits are the raw ones.
 */
import * as tf from '@tensorflow/tfjs';
import type { DiagnosisModel } from '../../lib/models/model';

export interface ImageSet {
  classes: string[];
  /** per image: class index */
  labels: Uint8Array;
  files: string[];
  size: number;
  /** N * size * size * 3 bytes, RGB interleaved */
  pixels: Uint8Array;
}

export type ImageTransform = (pixels: Uint8Array, index: number) => Uint8Array;

export interface BatchResult {
  probabilities: number[][];
  logits: number[][];
  /** mean wall time per image for the model call alone (ms) */
  msPerImage: number;
}

export async function predictSet(
  model: DiagnosisModel,
  set: ImageSet,
  indices?: number[],
  options: { batch?: number; transform?: ImageTransform } = {},
): Promise<BatchResult> {
  const batch = options.batch ?? 32;
  const ids = indices ?? Array.from({ length: set.labels.length }, (_, i) => i);
  const per = set.size * set.size * 3;
  const probabilities: number[][] = [];
  const logits: number[][] = [];
  let modelMs = 0;
  for (let start = 0; start < ids.length; start += batch) {
    const chunk = ids.slice(start, start + batch);
    const data = new Float32Array(chunk.length * per);
    chunk.forEach((id, k) => {
      const img = set.pixels.subarray(id * per, (id + 1) * per);
      data.set(options.transform ? options.transform(img, id) : img, k * per);
    });
    const t0 = performance.now();
    const [l, p] = tf.tidy(() => {
      const x = tf.tensor4d(data, [chunk.length, set.size, set.size, 3]);
      const out = model.logits(x);
      return [out, tf.softmax(model.temperature === 1 ? out : tf.div(out, model.temperature))];
    });
    const [la, pa] = await Promise.all([l.array(), p.array()]);
    modelMs += performance.now() - t0;
    l.dispose();
    p.dispose();
    logits.push(...la);
    probabilities.push(...pa);
  }
  return { probabilities, logits, msPerImage: ids.length ? modelMs / ids.length : 0 };
}
