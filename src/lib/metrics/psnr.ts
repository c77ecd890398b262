/**
 * Peak signal-to-noise ratio over every 8-bit value of the image (all three
 * channels): PSNR = 10 log10(255^2 / MSE). Identical images give Infinity, which
 * callers must show as "identical" rather than a number. It counts every value,
 * not luma, so a bit flipped in one channel is never averaged away.
 */
import type { RgbImage } from '../image/rgb';
import { assertSameSize } from './gray';

export function meanSquaredError(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`MSE: ${a.length} vs ${b.length} values`);
  if (a.length === 0) throw new Error('MSE of empty images');
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return sum / a.length;
}

export function psnrFromMse(mse: number, peak = 255): number {
  return mse === 0 ? Infinity : 10 * Math.log10((peak * peak) / mse);
}

export function psnr(a: RgbImage, b: RgbImage): number {
  assertSameSize(a, b, 'PSNR');
  return psnrFromMse(meanSquaredError(a.data, b.data));
}
