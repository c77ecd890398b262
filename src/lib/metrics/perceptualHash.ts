/**
 * Perceptual hash (pHash, as in libpHash): luma, area-resized to 32x32, 2-D DCT-II,
 * the 8x8 block of coefficients at rows/columns 1..8 (the low frequencies without
 * the DC term and without the pure row/column-0 terms, which mostly carry overall
 * brightness), each bit = coefficient > median of the 64. Distance = Hamming
 * distance of the 64-bit hashes: 0 for the same picture, ~32 for unrelated ones.
 * A hash reveals coarse layout only; it is a leakage score, never an identifier.
 */
import { type RgbImage, grayToRgb } from '../image/rgb';
import { resizeRgb } from '../image/resize';
import { type GrayImage, toGray } from './gray';

const SIDE = 32;
const LOW = 8;

// cos((2x+1) u pi / 64) for u = 0..8, x = 0..31; the DCT's scale factors are the
// same for every coefficient kept (u, v >= 1), so they cannot change a median test.
const COS = (() => {
  const t = new Float64Array((LOW + 1) * SIDE);
  for (let u = 0; u <= LOW; u++) {
    for (let x = 0; x < SIDE; x++) t[u * SIDE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SIDE));
  }
  return t;
})();

/** The 64 low-frequency DCT coefficients (u, v = 1..8) of a 32x32 grey block, row-major in (v, u). */
export function lowFrequencyDct(gray32: Uint8Array): Float64Array {
  if (gray32.length !== SIDE * SIDE) throw new Error('pHash DCT needs 32x32 values');
  // Rows first: rowDct[y][u] = sum_x f(x, y) cos(u, x).
  const rowDct = new Float64Array(SIDE * (LOW + 1));
  for (let y = 0; y < SIDE; y++) {
    for (let u = 1; u <= LOW; u++) {
      let s = 0;
      for (let x = 0; x < SIDE; x++) s += gray32[y * SIDE + x] * COS[u * SIDE + x];
      rowDct[y * (LOW + 1) + u] = s;
    }
  }
  const out = new Float64Array(LOW * LOW);
  for (let v = 1; v <= LOW; v++) {
    for (let u = 1; u <= LOW; u++) {
      let s = 0;
      for (let y = 0; y < SIDE; y++) s += rowDct[y * (LOW + 1) + u] * COS[v * SIDE + y];
      out[(v - 1) * LOW + (u - 1)] = s;
    }
  }
  return out;
}

export function perceptualHashGray(image: GrayImage): bigint {
  const small = toGray(resizeRgb(grayToRgb(image.width, image.height, image.data), SIDE, SIDE));
  const coeffs = lowFrequencyDct(small.data);
  const sorted = Float64Array.from(coeffs).sort();
  const median = (sorted[31] + sorted[32]) / 2;
  let hash = 0n;
  for (let i = 0; i < 64; i++) if (coeffs[i] > median) hash |= 1n << BigInt(i);
  return hash;
}

export function perceptualHash(image: RgbImage): bigint {
  return perceptualHashGray(toGray(image));
}

export function hashToHex(hash: bigint): string {
  return hash.toString(16).padStart(16, '0');
}

export function hammingDistance(a: bigint, b: bigint): number {
  let x = a ^ b;
  let count = 0;
  while (x) {
    x &= x - 1n;
    count++;
  }
  return count;
}

export function perceptualHashDistance(a: RgbImage, b: RgbImage): number {
  return hammingDistance(perceptualHash(a), perceptualHash(b));
}
