/**
 * Model input in block order, built on the host in one pass over the bytes:
 * [N, T, B*B*3] floats with token t = BPE block t and element i = the BPE
 * block-local index (ops.ts `patchify` layout). The model then skips its own
 * reshape-transpose of the image.
 *
 * The encrypted layout composes the BPE gather (encrypted[e] = plain[src[e]] ^
 * mask[e]) with the block order, so encrypting the model input costs the same
 * single indexed pass as preparing the plain one: the CPU path of "encrypt +
 * encrypted inference" does no extra sweep over the image. The values are those
 * of the BPE-encrypted image exactly (tested against `encryptImage` + patchify);
 * only their layout in memory is the block layout.
 *
 * Never logs pixels, plans or keys.
 */
import * as tf from '@tensorflow/tfjs';
import type { BpePlan } from '../cipher/bpe/plan';
import type { RgbImage } from '../image/rgb';
import { blockOrderIndex } from './ops';

/** Where block-ordered element j comes from in the plain bytes, and what it is XORed with. */
export interface BlockLayout {
  imageSize: number;
  src: Uint32Array;
  /** XOR mask per block-ordered element (encrypted layouts only) */
  mask?: Uint8Array;
}

const plainLayouts = new Map<string, BlockLayout>();
const encryptedLayouts = new WeakMap<BpePlan, BlockLayout>();

export function plainBlockLayout(imageSize: number, patch: number): BlockLayout {
  const id = `${imageSize}/${patch}`;
  let layout = plainLayouts.get(id);
  if (!layout) {
    layout = { imageSize, src: blockOrderIndex(imageSize, patch) };
    plainLayouts.set(id, layout);
  }
  return layout;
}

/** The layout of the BPE-encrypted image for `plan`, read straight from the plain bytes. Key material: cached per plan object only. */
export function encryptedBlockLayout(plan: BpePlan): BlockLayout {
  let layout = encryptedLayouts.get(plan);
  if (!layout) {
    const order = blockOrderIndex(plan.imageSize, plan.blockSize);
    const src = new Uint32Array(order.length);
    const blockMask = new Uint8Array(order.length);
    for (let j = 0; j < order.length; j++) {
      src[j] = plan.src[order[j]];
      blockMask[j] = plan.flip[order[j]] ? 255 : 0; // 255 - v === v ^ 255 for a byte
    }
    layout = { imageSize: plan.imageSize, src, mask: blockMask };
    encryptedLayouts.set(plan, layout);
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
