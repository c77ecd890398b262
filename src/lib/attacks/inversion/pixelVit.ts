/**
 * A shipped ViT as a differentiable function of its input pixels, for the
 * inversion attacks (docs/ARCHITECTURE.md §9: class tokens can be inverted
 * towards the image, which is why they leave the device only under CKKS).
 *
 * The product's forward pass (ops.ts `patchEmbed`) deliberately skips the
 * gradient for pixels; an attacker needs exactly that gradient, so this module
 * rebuilds the patch embedding as a plain dense layer on pixel / 255 - centre
 * (the exact integer form is the same map: embedding.ts `effectiveEmbedding`)
 * and reuses the model's own trunk (vit.ts) for everything after it.
 *
 * The view ensemble (views.ts) is the model on mirrored / turned copies of the
 * image; here each view is that copy made with `tf.reverse` (and `tf.transpose`), so `features`
 * equals `DiagnosisModel.features` (tested). Pixels are floats in [0, 1],
 * [N, S, S, 3]. Nothing here logs or keeps an image.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig, VitConfig } from '../../models/config';
import { effectiveEmbedding } from '../../models/embedding';
import type { HostWeights } from '../../models/init';
import { dense, patchify, type Weights } from '../../models/ops';
import { viewNames } from '../../models/views';
import { vitTrunk, type VitOutputs } from '../../models/vit';

/** The image-space form of each view of views.ts (same pixel maps), on [N, S, S, 3]. */
const flip = (axes: number[]) => (p: tf.Tensor4D) => (axes.length ? tf.reverse(p, axes) : p);
/** out(y, x) = p(x, y), then flipped: the quarter turns and diagonal mirrors */
const turn = (axes: number[]) => (p: tf.Tensor4D) => flip(axes)(tf.transpose(p, [0, 2, 1, 3]));
const VIEW_IMAGES: Record<string, (p: tf.Tensor4D) => tf.Tensor4D> = {
  identity: flip([]),
  'mirror-x': flip([2]),
  'mirror-y': flip([1]),
  'rotate-180': flip([1, 2]),
  'rotate-90': turn([2]),
  'rotate-270': turn([1]),
  transpose: turn([]),
  'anti-transpose': turn([1, 2]),
};

export interface PixelVit {
  readonly config: VitConfig;
  /** the model's weights as tensors; 'patch.w' is the float form acting on pixel / 255 - centre */
  readonly weights: Weights;
  /** patch embedding [N, T, E] of pixels in [0, 1], differentiable in pixels and in `w` */
  embed(pixels: tf.Tensor4D, w?: Weights): tf.Tensor3D;
  /** the identity view's outputs (what one training step sees) */
  outputs(pixels: tf.Tensor4D, w?: Weights): VitOutputs;
  /** class-token features as the model reports them: the mean over its views, [N, width] */
  features(pixels: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

export function pixelVit(config: ModelConfig, host: HostWeights): PixelVit {
  if (config.architecture !== 'vit') throw new Error('the inversion attacks here are written for the ViT');
  const cfg = config;
  const weights: Weights = {};
  for (const [name, t] of Object.entries(host)) {
    if (name === 'patch.scale') continue;
    const value = name === 'patch.w' ? effectiveEmbedding(t, host['patch.scale']) : t;
    weights[name] = tf.tensor(value.data, value.shape);
  }
  const centre = cfg.inputCentre ?? 0;
  const embed = (pixels: tf.Tensor4D, w: Weights = weights) =>
    tf.tidy(() => {
      const blocks = patchify(pixels, cfg.patchSize);
      const x = centre ? tf.sub(blocks, centre) : blocks;
      return dense(x, w['patch.w'], w['patch.b']) as tf.Tensor3D;
    });
  const outputs = (pixels: tf.Tensor4D, w: Weights = weights) => vitTrunk(cfg, w, embed(pixels, w));
  const views = viewNames(cfg.viewEnsemble).map((name) => VIEW_IMAGES[name]);
  return {
    config: cfg,
    weights,
    embed,
    outputs,
    features: (pixels) =>
      tf.tidy(() => {
        const each = views.map((view) => outputs(view(pixels)).features);
        return (each.length === 1 ? each[0] : tf.div(tf.addN(each), each.length)) as tf.Tensor2D;
      }),
    dispose: () => Object.values(weights).forEach((t) => t.dispose()),
  };
}

/** An RGB byte image as a [1, S, S, 3] tensor in [0, 1]. */
export function pixelsOf(image: { width: number; height: number; data: Uint8Array }): tf.Tensor4D {
  return tf.tidy(() => tf.div(tf.tensor4d(image.data, [1, image.height, image.width, 3], 'float32'), 255));
}

/** [1, S, S, 3] floats in [0, 1] back to bytes (rounded, clamped). */
export function bytesOf(pixels: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(pixels, (v) => Math.min(255, Math.max(0, Math.round(v * 255))));
}
