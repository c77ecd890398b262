/**
 * Model input in block order, built on the host in one pass over the bytes:
 * [N, T, B*B*3] floats with token t = block t and element i = the block-local
 * index (ops.ts `patchify` layout). The model then skips its own
 * reshape-transpose of the image.
 *
 * A protected input's layout (ProtectedInput.tokenLayout; for BPE, the gather
 * composed with the block order, src/lib/cipher/bpe/protection.ts) is applied in
 * the same single indexed pass, so the CPU path of "protect + protected
 * inference" does no extra sweep over the image (docs/ARCHITECTURE.md,
 * Protection schemes).
 *
 * Never logs pixels, plans or keys; never imports a scheme (cipher/*).
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../image/rgb';
import { blockOrderIndex, type BlockLayout, type ProtectedInput } from '../protection/protectedInput';

export type { BlockLayout };

const plainLayouts = new Map<string, BlockLayout>();

export function plainBlockLayout(imageSize: number, patch: number): BlockLayout {
  const id = `${imageSize}/${patch}`;
  let layout = plainLayouts.get(id);
  if (!layout) {
    layout = { imageSize, src: blockOrderIndex(imageSize, patch) };
    plainLayouts.set(id, layout);
  }
  return layout;
}

/** Images -> [N, T, B*B*3] float tensor (values 0..255) in `layout`. */
export function toBlockTensor(images: RgbImage[], layout: BlockLayout, patch: number): tf.Tensor3D {
  const { imageSize: S, src, mask } = layout;
  const per = S * S * 3;
  const out = new Float32Array(images.length * per);
  images.forEach((img, k) => {
    if (img.width !== S || img.height !== S)
      throw new Error(`model needs ${S}x${S} images (use toModelInput); got ${img.width}x${img.height}`);
    const data = img.data;
    const base = k * per;
    if (mask) for (let j = 0; j < per; j++) out[base + j] = data[src[j]] ^ mask[j];
    else for (let j = 0; j < per; j++) out[base + j] = data[src[j]];
  });
  return tf.tensor3d(out, [images.length, (S / patch) ** 2, patch * patch * 3]);
}

/** Images -> the protected input's tokens [N, T, B*B*3] (values 0..255), protected in the same pass. */
export function toProtectedTokens(images: RgbImage[], input: ProtectedInput): tf.Tensor3D {
  return toBlockTensor(images, input.tokenLayout(), input.blockSize);
}
