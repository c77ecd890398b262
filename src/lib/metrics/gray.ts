/**
 * The single-channel view every leakage metric works on. Metrics compare luma
 * (BT.601, the same weights as src/lib/image/rgb.ts), so an RGB-replicated grey scan
 * and its grey source score the same. This module only converts; it never
 * rescales or equalises, because that would change what the metrics measure.
 */
import { type RgbImage, rgbToGray } from '../image/rgb';

export interface GrayImage {
  readonly width: number;
  readonly height: number;
  /** length = width * height, row-major */
  readonly data: Uint8Array;
}

export function toGray(image: RgbImage): GrayImage {
  return { width: image.width, height: image.height, data: rgbToGray(image) };
}

export function assertSameSize(
  a: { width: number; height: number },
  b: { width: number; height: number },
  what: string,
): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`${what}: images differ in size (${a.width}x${a.height} vs ${b.width}x${b.height})`);
  }
}
