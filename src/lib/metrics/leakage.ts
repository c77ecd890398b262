/**
 * The four leakage scores every view and attack is judged by, against the
 * original: SSIM (luma, Gaussian window), PSNR (all RGB values, dB; Infinity when
 * identical), NMI (32-bin symmetric uncertainty on luma) and pHash Hamming
 * distance (0..64). Higher SSIM/PSNR/NMI and lower distance mean more leaks.
 * Pure: it reads two images and returns numbers, nothing is logged.
 */
import type { RgbImage } from '../image/rgb';
import { assertSameSize, toGray } from './gray';
import { mutualInformationGray } from './mutualInformation';
import { hammingDistance, perceptualHashGray } from './perceptualHash';
import { psnr } from './psnr';
import { ssimGray } from './ssim';

export interface LeakageMetrics {
  ssim: number;
  psnr: number;
  nmi: number;
  phashDistance: number;
}

export function leakageMetrics(original: RgbImage, candidate: RgbImage): LeakageMetrics {
  assertSameSize(original, candidate, 'leakage metrics');
  const a = toGray(original);
  const b = toGray(candidate);
  return {
    ssim: ssimGray(a, b),
    psnr: psnr(original, candidate),
    nmi: mutualInformationGray(a, b).nmi,
    phashDistance: hammingDistance(perceptualHashGray(a), perceptualHashGray(b)),
  };
}

/** For JSON and tables: Infinity is not valid JSON, so PSNR of identical images is written as null with a label. */
export function formatMetric(name: keyof LeakageMetrics, value: number): string {
  if (name === 'psnr') return Number.isFinite(value) ? `${value.toFixed(2)} dB` : 'identical (inf dB)';
  if (name === 'phashDistance') return `${value}/64`;
  return value.toFixed(4);
}
