/**
 * Gaussian-noise attack (integrity, ARCHITECTURE.md §5): add N(mu, sigma) to a seeded
 * random `fraction` of the 8-bit values, rounded and clamped to 0..255. On an
 * encrypted image, decryption moves each noisy value to one plain position and
 * may invert it (so +n becomes -n there): magnitudes carry over, nothing spreads.
 * Reproducible for a given seed; returns a new image, never alters its input.
 */
import type { RgbImage } from '../image/rgb';
import { checkFraction } from './bitFlip';
import { SeededRandom } from '../random/seededRandom';

export interface GaussianNoiseOptions {
  mu: number;
  sigma: number;
  fraction: number;
  seed: number;
}

export function gaussianNoiseAttack(image: RgbImage, { mu, sigma, fraction, seed }: GaussianNoiseOptions): RgbImage {
  if (!Number.isFinite(mu) || !(sigma >= 0)) throw new Error('Gaussian noise needs a finite mu and sigma >= 0');
  checkFraction(fraction);
  const rng = new SeededRandom(seed);
  const data = image.data.slice();
  for (const i of rng.sampleIndices(data.length, Math.round(fraction * data.length))) {
    const v = Math.round(data[i] + mu + sigma * rng.normal());
    data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { width: image.width, height: image.height, data };
}
