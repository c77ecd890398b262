/**
 * What the BPE kernel (bpe.wgsl) reads, computed on the CPU: the plan layouts,
 * the packed pixel entries of a plan for one direction, the per-image stride of
 * GPU buffers, and the checks that a batch holds whole images.
 *
 * Pure functions over typed arrays: no WebGPU calls here, so every table can be
 * checked without a GPU. Must never log plans (each is as good as its key).
 */
import { decryptionMap } from './bpe';
import type { BpePlan } from './plan';

/**
 * How the kernel reads the plan (bpe.wgsl): a whole-image table of pixel entries
 * ('table', S*S entries) or block-local entries + the block permutation ('blocks',
 * B*B + (S/B)^2 entries, coordinates rebuilt in the kernel). Same bytes; the
 * benchmark measures both. On SwiftShader they are within noise of each other
 * since several images share each entry read; on GPUs with small caches the tiny
 * 'blocks' tables may win — run `npm run bench` on the target device.
 */
export type GpuPlanLayout = 'table' | 'blocks';
export const GPU_PLAN_LAYOUTS: readonly GpuPlanLayout[] = ['table', 'blocks'];
/** The layout used unless asked otherwise ('table': fewer instructions per pixel; see bench/results/bpe.json). */
export const DEFAULT_GPU_LAYOUT: GpuPlanLayout = 'table';
export type BpeDirection = 'encrypt' | 'decrypt';

/**
 * Bytes between the starts of consecutive images in GPU buffers: S*S*3 rounded up
 * to whole groups of 4 pixels (12 bytes = 3 u32 words), the unit of the
 * kernels. Equal to S*S*3 when S is even; the padding bytes are written as 0.
 */
export function imageStrideBytes(plan: Pick<BpePlan, 'imageSize'>): number {
  return Math.ceil((plan.imageSize * plan.imageSize) / 4) * 12;
}

/** Largest S*S the pixel entries can address (23 bits of pixel index). */
const MAX_PIXELS = 1 << 23;

/**
 * Pixel entries (see bpe.wgsl) from a byte map: source pixel |
 * source channel of each output channel << 23 + 2c | inversion << 29 + c. Throws if
 * the map does not move whole pixels, which every bpe-v1 plan and its inverse do.
 */
function packPixelMap(src: Uint32Array, flip: Uint8Array): Uint32Array {
  const pixels = src.length / 3;
  const out = new Uint32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const from = Math.floor(src[p * 3] / 3);
    let entry = from;
    for (let c = 0; c < 3; c++) {
      const s = src[p * 3 + c];
      if (Math.floor(s / 3) !== from)
        throw new Error('this plan does not move whole pixels, which the GPU kernel needs');
      entry |= (s % 3) << (23 + 2 * c);
      if (flip[p * 3 + c]) entry |= 1 << (29 + c);
    }
    out[p] = entry >>> 0;
  }
  return out;
}

/** Block-local byte maps for one direction (packed into pixel entries for gatherWithBlocks). */
function blockMaps(
  plan: BpePlan,
  direction: BpeDirection,
): { src: Uint32Array; flip: Uint8Array; blockPerm: Uint32Array } {
  if (direction === 'encrypt') return { src: plan.blockSrc, flip: plan.blockFlip, blockPerm: plan.blockPerm };
  // plain(block k, local m) = enc(slot invBlockPerm[k], local l = invBlockSrc[m]), inverted by blockFlip[l]
  const n = plan.blockSrc.length;
  const invSrc = new Uint32Array(n);
  const invFlip = new Uint8Array(n);
  for (let l = 0; l < n; l++) {
    invSrc[plan.blockSrc[l]] = l;
    invFlip[plan.blockSrc[l]] = plan.blockFlip[l];
  }
  const invPerm = new Uint32Array(plan.blockPerm.length);
  for (let j = 0; j < plan.blockPerm.length; j++) invPerm[plan.blockPerm[j]] = j;
  return { src: invSrc, flip: invFlip, blockPerm: invPerm };
}

/** The kernel's tables for one direction and layout. */
export function kernelTables(
  plan: BpePlan,
  direction: BpeDirection,
  layout: GpuPlanLayout,
): { mapTable: Uint32Array; blockPerm: Uint32Array } {
  if (plan.imageSize * plan.imageSize > MAX_PIXELS)
    throw new Error(
      `the GPU kernel addresses at most ${MAX_PIXELS} pixels per image; use the CPU path for larger images`,
    );
  if (layout === 'table') {
    const map = direction === 'encrypt' ? plan : decryptionMap(plan);
    const packed = packPixelMap(map.src, map.flip);
    // read as one vec4 per 4 pixels: pad to whole groups of 4 (padding pixels are written as 0)
    const mapTable =
      packed.length % 4
        ? Uint32Array.from({ length: Math.ceil(packed.length / 4) * 4 }, (_, i) => packed[i] ?? 0)
        : packed;
    return { mapTable, blockPerm: new Uint32Array(4) }; // blockPerm unused by gatherWithTable
  }
  const { src, flip, blockPerm } = blockMaps(plan, direction);
  return { mapTable: packPixelMap(src, flip), blockPerm };
}

/** The Geometry uniform of bpe.wgsl for a plan (the field order is the shader's). */
export function geometryOf(plan: BpePlan): Uint32Array {
  const S = plan.imageSize;
  const B = plan.blockSize;
  return new Uint32Array([S, B, S / B, S * S * 3, imageStrideBytes(plan) / 4, imageStrideBytes(plan) / 12, S * S, 0]);
}

export function batchOf(plan: BpePlan, images: Uint8Array[] | Uint8Array): { bytes: Uint8Array[]; count: number } {
  const n = plan.imageSize * plan.imageSize * 3;
  const parts = images instanceof Uint8Array ? [images] : images;
  let count = 0;
  for (const part of parts) {
    if (part.length === 0 || part.length % n !== 0) {
      throw new Error(
        `BPE needs whole ${plan.imageSize}x${plan.imageSize}x3 images (${n} bytes each); got ${part.length} bytes`,
      );
    }
    count += part.length / n;
  }
  if (count === 0) throw new Error('BPE needs at least one image');
  return { bytes: parts, count };
}
