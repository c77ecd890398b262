/**
 * Structural similarity (SSIM, Wang et al. 2004) through the maintained `ssim.js`
 * package: 11x11 Gaussian window (sigma 1.5), K1 = 0.01, K2 = 0.03, L = 255,
 * 'valid' borders, mean of the SSIM map. We pick its 'fast' variant, which is
 * the same formula as the MATLAB reference (checked against an independent numpy
 * computation in ssim.test.ts), not 'weber' (box window, the package default).
 * Images larger than 512 px on the short side are low-pass downsampled first, as
 * in the reference script; at S = 200 nothing is downsampled.
 * Never feed colour channels separately: SSIM here is on luma only.
 */
import { ssim as ssimJs } from 'ssim.js';
import type { RgbImage } from '../image/rgb';
import { assertSameSize, type GrayImage, toGray } from './gray';

/** ssim.js reads RGBA; a grey value g replicated to R=G=B survives its integer luma ((77+150+29)g+128)>>8 = g exactly. */
function grayAsRgba(image: GrayImage): { width: number; height: number; data: Uint8ClampedArray } {
  const out = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0, j = 0; i < image.data.length; i++, j += 4) {
    out[j] = out[j + 1] = out[j + 2] = image.data[i];
    out[j + 3] = 255;
  }
  return { width: image.width, height: image.height, data: out };
}

export function ssimGray(a: GrayImage, b: GrayImage): number {
  assertSameSize(a, b, 'SSIM');
  if (a.width < 11 || a.height < 11)
    throw new Error('SSIM needs images of at least 11x11 pixels (the Gaussian window)');
  return ssimJs(grayAsRgba(a), grayAsRgba(b), { ssim: 'fast' }).mssim;
}

export function ssimRgb(a: RgbImage, b: RgbImage): number {
  return ssimGray(toGray(a), toGray(b));
}
