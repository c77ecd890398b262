/**
 * Data-dependent initialisation of the patch embedding: the top principal
 * directions of (centred) training blocks, each scaled to unit variance (PCA
 * whitening, as fast CIFAR trainers do for their first layer). A model whose
 * first op is one linear map of 1875 raw values learns very slowly from a random
 * start; starting from decorrelated unit-variance features it learns at once.
 * Only an initial value: adaptation to a key is unaffected. Uses training
 * images only.
 */
import * as tf from '@tensorflow/tfjs';
import type { HostTensor } from '../../lib/models/init';
import { ModelRandom } from '../../lib/models/init';
import { blockOrderIndex } from '../../lib/protection/protectedInput';

export function whitenedPatchEmbedding(
  pixels: Uint8Array,
  imageIds: number[],
  size: number,
  patch: number,
  centre: number,
  width: number,
  seed: number,
  sampleBlocks = 4096,
): { w: HostTensor; b: HostTensor; mean: Float32Array } {
  const rng = new ModelRandom(seed);
  const P = patch * patch * 3;
  const T = (size / patch) ** 2;
  const per = size * size * 3;
  const order = blockOrderIndex(size, patch);
  const X = new Float32Array(sampleBlocks * P);
  for (let s = 0; s < sampleBlocks; s++) {
    const id = imageIds[rng.int(imageIds.length)];
    const t = rng.int(T);
    const base = id * per;
    for (let i = 0; i < P; i++) X[s * P + i] = pixels[base + order[t * P + i]] / 255 - centre;
  }
  return tf.tidy(() => {
    const x = tf.tensor2d(X, [sampleBlocks, P]);
    const mean = tf.mean(x, 0, true);
    const xc = tf.sub(x, mean);
    const cov = tf.div(tf.matMul(tf.transpose(xc), xc), sampleBlocks) as tf.Tensor2D; // [P, P]
    // subspace iteration for the top `width` eigenvectors, Gram–Schmidt on the host
    let q: Float32Array = new Float32Array(P * width);
    for (let i = 0; i < q.length; i++) q[i] = rng.normal();
    for (let it = 0; it < 12; it++) {
      orthonormaliseColumns(q, P, width);
      q = tf.matMul(cov, tf.tensor2d(q, [P, width])).dataSync() as Float32Array;
    }
    orthonormaliseColumns(q, P, width);
    const Q = tf.tensor2d(q, [P, width]);
    const eig = tf.sum(tf.mul(Q, tf.matMul(cov, Q)), 0); // q_k^T C q_k
    const scale = tf.rsqrt(tf.add(eig, 1e-4));
    const W = tf.mul(Q, scale);
    const bias = tf.neg(tf.matMul(mean, W)).reshape([width]);
    return {
      w: { shape: [P, width], data: W.dataSync() as Float32Array },
      b: { shape: [width], data: bias.dataSync() as Float32Array },
      mean: mean.dataSync() as Float32Array,
    };
  });
}

function orthonormaliseColumns(m: Float32Array, rows: number, cols: number): void {
  for (let c = 0; c < cols; c++) {
    for (let k = 0; k < c; k++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += m[r * cols + c] * m[r * cols + k];
      for (let r = 0; r < rows; r++) m[r * cols + c] -= dot * m[r * cols + k];
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += m[r * cols + c] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < rows; r++) m[r * cols + c] /= norm;
  }
}

/** Bias that centres the embedding on the training mean block: c = -mean @ W. */
export function centringBias(mean: Float32Array, w: HostTensor): HostTensor {
  const [P, D] = w.shape;
  const c = new Float32Array(D);
  for (let i = 0; i < P; i++) for (let d = 0; d < D; d++) c[d] -= mean[i] * w.data[i * D + d];
  return { shape: [D], data: c };
}
