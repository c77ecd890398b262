/**
 * Inversion of a plaintext class token back to an image (docs/ARCHITECTURE.md
 * §9): the attacker holds the features a client would send in the clear and the
 * model (public), starts from its best public guess (the dataset's mean image)
 * and moves the image until the model's class token for it matches, with a
 * total-variation prior (Mahendran and Vedaldi 2015). Pixels are optimised as
 * logits (sigmoid keeps them in [0, 1]) with Adam.
 *
 * Bounded: each step is one forward and backward pass of the ViT per view
 * (4 views for histology: about 1 s per step on one wasm core), so the default
 * is a small number of steps; the result is what such a budget buys, not the
 * limit of the attack. Never logs pixels or features.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../../image/rgb';
import { bytesOf, pixelsOf, type PixelVit } from './pixelVit';

export interface TokenInversionOptions {
  /** the attacker's starting image (the dataset's mean image) */
  start: RgbImage;
  steps?: number;
  learningRate?: number;
  /** weight of the total-variation prior (mean absolute difference of neighbours, pixels in [0, 1]) */
  tvWeight?: number;
}

export interface TokenInversion {
  image: RgbImage;
  /** |f(image) - target|² / |target|² at the start and at the end */
  tokenLossStart: number;
  tokenLossEnd: number;
  steps: number;
}

export const DEFAULT_TOKEN_STEPS = 40;

export function invertClassToken(
  vit: PixelVit,
  target: ArrayLike<number>,
  options: TokenInversionOptions,
): TokenInversion {
  const steps = options.steps ?? DEFAULT_TOKEN_STEPS;
  const tvWeight = options.tvWeight ?? 0.05;
  const goal = tf.tensor2d(Float32Array.from(target), [1, target.length]);
  const goalNorm = tf.tidy(() => tf.sum(tf.square(goal)).dataSync()[0]) || 1;
  const start = tf.tidy(() => {
    const p = tf.clipByValue(pixelsOf(options.start), 0.02, 0.98);
    return tf.log(tf.div(p, tf.sub(1, p)));
  });
  const logits = tf.variable(start);
  start.dispose();
  const tokenLoss = (pixels: tf.Tensor4D) => tf.div(tf.sum(tf.square(tf.sub(vit.features(pixels), goal))), goalNorm);
  const loss = () =>
    tf.tidy(() => {
      const pixels = tf.sigmoid(logits) as tf.Tensor4D;
      return tf.add(tokenLoss(pixels), tf.mul(totalVariation(pixels), tvWeight)) as tf.Scalar;
    });
  const optimizer = tf.train.adam(options.learningRate ?? 0.05);
  try {
    const measure = () => tf.tidy(() => tokenLoss(tf.sigmoid(logits) as tf.Tensor4D).dataSync()[0]);
    const tokenLossStart = measure();
    for (let i = 0; i < steps; i++) optimizer.minimize(loss, false, [logits])?.dispose();
    const tokenLossEnd = measure();
    const data = tf.tidy(() => tf.sigmoid(logits).dataSync());
    return {
      image: { width: options.start.width, height: options.start.height, data: bytesOf(data) },
      tokenLossStart,
      tokenLossEnd,
      steps,
    };
  } finally {
    optimizer.dispose();
    tf.dispose([logits, goal]);
  }
}

/** Mean absolute difference between horizontal and vertical neighbours of [1, S, S, 3]. */
export function totalVariation(pixels: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const [, h, w] = pixels.shape;
    const dy = tf.sub(
      tf.slice(pixels, [0, 1, 0, 0], [-1, h - 1, -1, -1]),
      tf.slice(pixels, [0, 0, 0, 0], [-1, h - 1, -1, -1]),
    );
    const dx = tf.sub(
      tf.slice(pixels, [0, 0, 1, 0], [-1, -1, w - 1, -1]),
      tf.slice(pixels, [0, 0, 0, 0], [-1, -1, w - 1, -1]),
    );
    return tf.add(tf.mean(tf.abs(dy)), tf.mean(tf.abs(dx))) as tf.Scalar;
  });
}
