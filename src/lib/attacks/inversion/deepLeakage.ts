/**
 * Optimisation-based gradient inversion, "deep leakage from gradients" (Zhu et
 * al. 2019) with the label read from the last bias gradient first (iDLG, Zhao et
 * al. 2020), on a small model: a miniature of the ViT's first layer. A 32 x 32
 * RGB image is cut into 4 x 4 blocks, each block goes through one shared
 * linear map without bias (so the bias ratio of linearLeak.ts does not apply)
 * and a sigmoid, and a linear head reads all of them. Hidden width 64 ≥ 48
 * values per block, so the gradients determine the image (with 16 they would
 * not: many images share one gradient, and matching it recovers none of them). The attacker starts from
 * noise and moves its guess until the guess's gradients match the victim's.
 *
 * The gradients are written out by hand as tensor expressions, so the matching
 * loss needs one level of automatic differentiation only (tfjs' wasm backend
 * has no second-order kernels to rely on). Bounded: `iterations` Adam steps
 * (300 take a few seconds). Never logs pixels.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../../image/rgb';
import { SeededRandom } from '../../random/seededRandom';
import { patchify } from '../../models/ops';
import { bytesOf, pixelsOf } from './pixelVit';

export interface TinyPatchNet {
  size: number;
  patch: number;
  hidden: number;
  classes: number;
  /** [B*B*3, hidden], [T*hidden, classes], [classes] */
  w1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

export interface TinyNetUpdate {
  w1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

export function tinyPatchNet(seed: number, size = 32, patch = 4, hidden = 64, classes = 3): TinyPatchNet {
  const rng = new SeededRandom(seed);
  const P = patch * patch * 3;
  const T = (size / patch) ** 2;
  const draw = (n: number, std: number) => Float32Array.from({ length: n }, () => rng.normal() * std);
  return {
    size,
    patch,
    hidden,
    classes,
    w1: draw(P * hidden, 1 / Math.sqrt(P)),
    w2: draw(T * hidden * classes, 1 / Math.sqrt(T * hidden)),
    b2: new Float32Array(classes),
  };
}

/** The loss gradients (w1, w2, b2) of one image, as tensor expressions of the pixels [1, s, s, 3] in [0, 1]. */
function gradients(net: TinyPatchNet, pixels: tf.Tensor4D, target: tf.Tensor): tf.Tensor[] {
  const P = net.patch * net.patch * 3;
  const T = (net.size / net.patch) ** 2;
  const w1 = tf.tensor2d(net.w1, [P, net.hidden]);
  const w2 = tf.tensor2d(net.w2, [T * net.hidden, net.classes]);
  const x = tf.sub(patchify(pixels, net.patch), 0.5).reshape([T, P]);
  const h = tf.sigmoid(tf.matMul(x, w1)); // [T, hidden]
  const logits = tf.add(tf.matMul(h.reshape([1, T * net.hidden]), w2), net.b2); // [1, C]
  const delta = tf.sub(tf.softmax(logits), target); // dL/dlogits [1, C]
  const dW2 = tf.matMul(h.reshape([T * net.hidden, 1]), delta);
  const dH = tf.matMul(delta, w2, false, true).reshape([T, net.hidden]);
  const dZ = tf.mul(dH, tf.mul(h, tf.sub(1, h)));
  const dW1 = tf.matMul(x, dZ, true, false);
  return [dW1, dW2, delta.reshape([net.classes])];
}

/** The victim's update for one image of the net's size with its label. */
export function tinyNetUpdate(net: TinyPatchNet, image: RgbImage, label: number): TinyNetUpdate {
  if (image.width !== net.size || image.height !== net.size)
    throw new Error(`the tiny net reads ${net.size} x ${net.size} images`);
  const [w1, w2, b2] = tf.tidy(() =>
    gradients(net, pixelsOf(image), tf.oneHot([label], net.classes).toFloat()).map((g) => g.dataSync() as Float32Array),
  );
  return { w1, w2, b2 };
}

export interface DeepLeakageResult {
  image: RgbImage;
  /** the label read from the bias gradient (its only negative entry) */
  label: number;
  /** gradient-matching loss (sum over the three tensors of squared error over squared norm) before and after */
  lossStart: number;
  lossEnd: number;
  iterations: number;
}

export interface DeepLeakageOptions {
  iterations?: number;
  learningRate?: number;
  /** seed of the starting noise */
  seed?: number;
}

export function deepLeakage(
  net: TinyPatchNet,
  update: TinyNetUpdate,
  options: DeepLeakageOptions = {},
): DeepLeakageResult {
  const iterations = options.iterations ?? 300;
  let label = 0;
  update.b2.forEach((v, c) => (label = v < update.b2[label] ? c : label));
  const rng = new SeededRandom(options.seed ?? 1);
  const n = net.size * net.size * 3;
  const start = tf.tensor4d(
    Float32Array.from({ length: n }, () => rng.normal()),
    [1, net.size, net.size, 3],
  );
  const guess = tf.variable(start);
  start.dispose();
  const target = tf.tidy(() => tf.oneHot([label], net.classes).toFloat());
  const observed = [tf.tensor(update.w1), tf.tensor(update.w2), tf.tensor(update.b2)];
  const norms = observed.map((o) => tf.tidy(() => tf.sum(tf.square(o)).dataSync()[0]) || 1);
  const matching = () =>
    tf.tidy(() => {
      const mine = gradients(net, tf.sigmoid(guess) as tf.Tensor4D, target);
      const terms = mine.map((g, i) => tf.div(tf.sum(tf.square(tf.sub(g.reshape([-1]), observed[i]))), norms[i]));
      return tf.addN(terms) as tf.Scalar;
    });
  const optimizer = tf.train.adam(options.learningRate ?? 0.1);
  try {
    const lossStart = tf.tidy(() => matching().dataSync()[0]);
    for (let i = 0; i < iterations; i++) optimizer.minimize(matching, false, [guess])?.dispose();
    const lossEnd = tf.tidy(() => matching().dataSync()[0]);
    const pixels = tf.tidy(() => tf.sigmoid(guess).dataSync());
    return {
      image: { width: net.size, height: net.size, data: bytesOf(pixels) },
      label,
      lossStart,
      lossEnd,
      iterations,
    };
  } finally {
    optimizer.dispose();
    tf.dispose([guess, target, ...observed]);
  }
}
