/**
 * The image statistic the out-of-domain guard reads beside a model's features
 * (issue 18, lib/diagnosis/domainGuard.ts): the histogram of |2v - 255| over
 * every byte v of the model input (all pixels, all three channels), in
 * INTENSITY_BINS bins of 8 (bin k holds |2v - 255| in [8k, 8k + 8)), as shares
 * of the bytes. It is blind to where a byte sits and to v versus 255 - v, so
 * block-pixel encryption leaves it exactly unchanged: BPE moves bytes (pixel
 * shuffle inside a block, block shuffle, channel swap) and inverts some
 * (|2(255 - v) - 255| = |2v - 255|). The encrypted image therefore yields the
 * same numbers as the plain one, bit for bit, on any backend.
 *
 * Why it helps: a drawn image (the built-in phantoms: a few flat tissue levels
 * plus noise) has narrow peaks at its levels and near-empty troughs between
 * them, where a real MRI's histogram is smooth; the guard scores log shares,
 * so the troughs stand out.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelTensorInput } from './ops';
import { INTENSITY_BINS } from './intensityBins';

export { INTENSITY_BINS };
const BIN_WIDTH = 256 / INTENSITY_BINS;

/** [N, INTENSITY_BINS] shares for images [N, S, S, 3] or blocks [N, T, P], values 0..255. The caller owns the result. */
export function intensityHistogramTensor(images: ModelTensorInput): tf.Tensor2D {
  return tf.tidy(() => {
    const n = images.shape[0];
    const length = images.size / n;
    const flat = images.toFloat().reshape([n, length]);
    const folded = tf.abs(tf.sub(tf.mul(flat, 2), 255));
    const bins = tf.minimum(tf.floor(tf.div(folded, BIN_WIDTH)), INTENSITY_BINS - 1).toInt() as tf.Tensor2D;
    const counts = tf.denseBincount(bins, tf.tensor2d([], [0, 0]), INTENSITY_BINS);
    return tf.div(counts.toFloat(), length) as tf.Tensor2D;
  });
}

/** Host reference of the same numbers for one image's bytes (tests, and fitting without a model). */
export function intensityHistogram(bytes: Uint8Array): Float32Array {
  const counts = new Float64Array(INTENSITY_BINS);
  for (let i = 0; i < bytes.length; i++) {
    const folded = Math.abs(2 * bytes[i] - 255);
    counts[Math.min(INTENSITY_BINS - 1, Math.floor(folded / BIN_WIDTH))]++;
  }
  return Float32Array.from(counts, (c) => c / bytes.length);
}
