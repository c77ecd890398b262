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

/**
 * 2-D matMul whose gradients use explicit transposes: the wasm backend's
 * transposed matMul runs ~20x slower than the plain one (measured: 1 vs 21
 * GFLOP/s), and the default gradients of matMul are transposed matMuls.
 */
const matMulFastGrad = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** x[..., in] @ w[in, out] + b, for any rank of x. */
export function dense(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1]!;
  const outDim = w.shape[1]!;
  const lead = x.shape.slice(0, -1);
  let y: tf.Tensor = matMulFastGrad(x.reshape([-1, inDim]), w);
  if (b) y = tf.add(y, b);
  return y.reshape([...lead, outDim]);
}

/**
 * Model input: images [N, S, S, 3], or the same already cut into blocks
 * [N, T, B*B*3] (training does that in JS while augmenting, to skip a transpose).
 * Values 0..255 either way.
 */
export type ModelTensorInput = tf.Tensor4D | tf.Tensor3D;

/**
 * x @ w where x is data (pixels), never a trained quantity: the gradient for x is
 * not needed, so skip its [N*T, B*B*3] matMul (a third of the stem's cost).
 */
const pixelMatMul = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.zerosLike(saved[0]),
      tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy as tf.Tensor2D),
    ],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;

/**
 * The patch embedding: the one linear map of each whole block, on pixels scaled
 * by 1/255 and shifted by -centre (the same for every element). Centring at 0.5
 * trains much faster (zero-mean inputs) and makes the key's inversion a pure
 * sign change: 255 - v maps x - 0.5 to -(x - 0.5). See adapt.ts.
 */
export function patchEmbed(
  images: ModelTensorInput,
  patch: number,
  w: tf.Tensor,
  b: tf.Tensor,
  centre = 0,
  scale?: tf.Tensor,
): tf.Tensor3D {
  const blocks = images.rank === 3 ? (images as tf.Tensor3D) : patchify(images as tf.Tensor4D, patch);
  const [n, t, p] = blocks.shape;
  if (scale) {
    // exact embedding (config.exactEmbedding): integer inputs 2v - 255 times integer weights
    if (centre !== 0.5) throw new Error('the exact patch embedding needs inputs centred at 0.5');
    const v = tf.sub(tf.mul(blocks.toFloat(), 2), 255).reshape([n * t, p]);
    return tf.add(tf.mul(pixelMatMul(v, w), scale), b).reshape([n, t, w.shape[1]!]) as tf.Tensor3D;
  }
  let x = tf.mul(blocks.toFloat(), 1 / 255);
  if (centre) x = tf.sub(x, centre);
  x = x.reshape([n * t, p]);
  return tf.add(pixelMatMul(x, w), b).reshape([n, t, w.shape[1]!]) as tf.Tensor3D;
}

/** The patch embedding of a model's weights and geometry (exact or float). */
export function embedBlocks(
  images: ModelTensorInput,
  g: { patchSize: number; inputCentre?: number; exactEmbedding?: boolean },
  w: Weights,
): tf.Tensor3D {
  return patchEmbed(
    images,
    g.patchSize,
    need(w, 'patch.w'),
    need(w, 'patch.b'),
    g.inputCentre ?? 0,
    g.exactEmbedding ? need(w, 'patch.scale') : undefined,
  );
}

/**
 * Per-token stem from the embedding width E to the model width D (config.embedDim):
 * linear E -> D plus a GELU MLP, both on the layer-normed embedding. Acts on one
 * token at a time, after the one linear map per block, so adaptation is unaffected.
 */
export function tokenStem(x: tf.Tensor, w: Weights, hasMlp: boolean): tf.Tensor {
  const h = layerNorm(x, need(w, 'stem.in.ln.g'), need(w, 'stem.in.ln.b'));
  const linear = dense(h, need(w, 'stem.proj.w'), need(w, 'stem.proj.b'));
  if (!hasMlp) return linear;
  return tf.add(
    linear,
    dense(gelu(dense(h, need(w, 'stem.w1'), need(w, 'stem.b1'))), need(w, 'stem.w2'), need(w, 'stem.b2')),
  );
}

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  const axis = x.shape.length - 1;
  const mean = tf.mean(x, axis, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axis, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

/**
 * GELU, sigmoid form x * sigmoid(1.702 x): two cheap kernels and simple
 * gradients (the tanh form with pow costs ~3x more per step on wasm).
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
}

/**
 * Depthwise k x k convolution with zero padding ("same") on [N, H, W, C], as a sum
 * of shifted slices times per-channel weights w[k*k, C]. On an 8 x 8 grid this is
 * as fast as a kernel and differentiable on every backend.
 */
export function depthwiseSame(x: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor, k: number): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const p = (k - 1) >> 1;
  const padded = tf.pad(x, [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ]);
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
