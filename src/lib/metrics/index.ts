/** Leakage metrics: what an image reveals about the original. Re-exports only. */
export { type GrayImage, toGray } from './gray';
export { ssimGray, ssimRgb } from './ssim';
export { psnr, psnrFromMse, meanSquaredError } from './psnr';
export { DEFAULT_NMI_BINS, mutualInformationGray, normalizedMutualInformation } from './mutualInformation';
export {
  perceptualHash,
  perceptualHashGray,
  perceptualHashDistance,
  hammingDistance,
  hashToHex,
} from './perceptualHash';
export { type LeakageMetrics, leakageMetrics, formatMetric } from './leakage';
