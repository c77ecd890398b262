/**
 * Bit-flip attack (integrity, ARCHITECTURE.md §5): XOR bit `bit` (0 = least
 * significant, 7 = leading) of a seeded random `fraction` of the image's 8-bit
 * values. Applied to encrypted images, then decrypted, it shows that BPE does not
 * spread damage: 255 - (v ^ m) = (255 - v) ^ m, so each flipped value decrypts to
 * exactly one flipped value of the plain image. Reproducible: same seed, same values.
 * It alters the copy it returns, never its input.
 */
import type { RgbImage } from '../image/rgb';
import { SeededRandom } from '../random/seededRandom';

export interface BitFlipOptions {
  bit: number;
  /** share of the image's values to flip, 0..1 (rounded to a whole count) */
  fraction: number;
  seed: number;
}

export function checkFraction(fraction: number): void {
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`fraction must be between 0 and 1, got ${fraction}`);
}

export function bitFlipAttack(image: RgbImage, { bit, fraction, seed }: BitFlipOptions): RgbImage {
  if (!Number.isInteger(bit) || bit < 0 || bit > 7) throw new Error(`bit must be 0..7, got ${bit}`);
  checkFraction(fraction);
  const data = image.data.slice();
  const mask = 1 << bit;
  for (const i of new SeededRandom(seed).sampleIndices(data.length, Math.round(fraction * data.length)))
    data[i] ^= mask;
  return { width: image.width, height: image.height, data };
}
