/**
 * TypeScript reference of block-pixel encryption: the fused gather + inversion.
 * The WebGPU kernel (bpe.wgsl) must match it byte for byte. Lossless: decrypt is
 * the inverse gather, so decrypt(encrypt(x)) === x exactly.
 */
import type { RgbImage } from '../../image/rgb';
import { type BpePlan, invertPlan } from './plan';

export interface GatherMap {
  src: Uint32Array;
  flip: Uint8Array;
}

/**
 * For a byte, 255 - v === v ^ 255: the inversion is an XOR with a 0/255 mask, which
 * keeps the inner loop free of branches (the flips are random, so a branch would
 * be mispredicted half the time). Cached per map.
 */
const xorMasks = new WeakMap<GatherMap, Uint8Array>();
function xorMask(map: GatherMap): Uint8Array {
  let mask = xorMasks.get(map);
  if (!mask) {
    mask = map.flip.map((f) => (f ? 255 : 0));
    xorMasks.set(map, mask);
  }
  return mask;
}

/** out[i] = flip[i] ? 255 - input[src[i]] : input[src[i]], for each image in a batch laid end to end. */
export function gather(map: GatherMap, input: Uint8Array, output = new Uint8Array(input.length)): Uint8Array {
  const n = map.src.length;
  if (input.length % n !== 0)
    throw new Error(`batch of ${input.length} bytes is not a whole number of ${n}-byte images`);
  const { src } = map;
  const mask = xorMask(map);
  for (let base = 0; base < input.length; base += n) {
    for (let i = 0; i < n; i++) output[base + i] = input[base + src[i]] ^ mask[i];
  }
  return output;
}

function checkImage(plan: BpePlan, image: RgbImage): void {
  if (image.width !== plan.imageSize || image.height !== plan.imageSize) {
    throw new Error(`BPE needs a ${plan.imageSize}x${plan.imageSize} image; got ${image.width}x${image.height}`);
  }
}

export function encryptImage(plan: BpePlan, image: RgbImage): RgbImage {
  checkImage(plan, image);
  return { width: image.width, height: image.height, data: gather(plan, image.data) };
}

const inverses = new WeakMap<BpePlan, GatherMap>();
export function decryptionMap(plan: BpePlan): GatherMap {
  let inv = inverses.get(plan);
  if (!inv) {
    inv = invertPlan(plan);
    inverses.set(plan, inv);
  }
  return inv;
}

export function decryptImage(plan: BpePlan, image: RgbImage): RgbImage {
  checkImage(plan, image);
  return { width: image.width, height: image.height, data: gather(decryptionMap(plan), image.data) };
}
