/**
 * The small set of tensor operations both models are built from, written with
 * plain tfjs ops over an explicit weight map. Only ops whose gradients the wasm
 * backend can run are used (no conv2d/depthwise kernels: their backprop-filter
 * kernels are missing on wasm), so one definition serves training and inference.
 * Never reads pixels inside a block except through `patchEmbed`.
 */
import * as tf from '@tensorflow/tfjs';

/** Named weights of one model; tensors or variables. */
export type Weights = Record<string, tf.Tensor>;

export function need(w: Weights, name: string): tf.Tensor {
  const t = w[name];
  if (!t) throw new Error(`model weights lack "${name}"`);
  return t;
}

/**
 * [N, S, S, 3] -> [N, T, B*B*3] with token t = blockRow * (S/B) + blockCol (the BPE
 * block index) and element i = (row*B + col)*3 + c inside the block (the BPE
 * block-local index), so the embedding matrix rows line up with plan.blockSrc.
 */
export function patchify(images: tf.Tensor4D, patch: number): tf.Tensor3D {
  const [n, h, w, c] = images.shape;
  const gh = h / patch;
  const gw = w / patch;
  return images
    .reshape([n, gh, patch, gw, patch, c])
    .transpose([0, 1, 3, 2, 4, 5])
    .reshape([n, gh * gw, patch * patch * c]);
}

/** x[..., in] @ w[in, out] + b, for any rank of x. */
export function dense(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1]!;
  const outDim = w.shape[1]!;
  const lead = x.shape.slice(0, -1);
  let y: tf.Tensor = tf.matMul(x.reshape([-1, inDim]) as tf.Tensor2D, w as tf.Tensor2D);
  if (b) y = tf.add(y, b);
  return y.reshape([...lead, outDim]);
}

/** The patch embedding: the one linear map of each whole block (pixels scaled by 1/255). */
export function patchEmbed(images: tf.Tensor4D, patch: number, w: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const x = tf.mul(patchify(images.toFloat(), patch), 1 / 255);
  return dense(x, w, b) as tf.Tensor3D;
}

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  const axis = x.shape.length - 1;
  const mean = tf.mean(x, axis, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axis, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

/** GELU, tanh form (erf has no fused kernel everywhere; this is ops-only). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/**
 * Depthwise k x k convolution with zero padding ("same") on [N, H, W, C], as a sum
 * of shifted slices times per-channel weights w[k*k, C]. On an 8 x 8 grid this is
 * as fast as a kernel and differentiable on every backend.
 */
export function depthwiseSame(x: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor, k: number): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const p = (k - 1) >> 1;
  const padded = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]);
  const taps = tf.unstack(w.reshape([k * k, c]));
  let acc: tf.Tensor | undefined;
  for (let dy = 0; dy < k; dy++) {
    for (let dx = 0; dx < k; dx++) {
      const term = tf.mul(tf.slice(padded, [0, dy, dx, 0], [n, h, wd, c]), taps[dy * k + dx]);
      acc = acc ? tf.add(acc, term) : term;
    }
  }
  return tf.add(acc!, b) as tf.Tensor4D;
}
