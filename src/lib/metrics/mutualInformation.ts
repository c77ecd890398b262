/**
 * Normalised mutual information of two grey images, from their joint histogram:
 *
 *     NMI = 2 I(X;Y) / (H(X) + H(Y)),   I(X;Y) = H(X) + H(Y) - H(X,Y)
 *
 * (the symmetric uncertainty), in [0, 1]: 1 when one image is a one-to-one
 * relabelling of the other (identical, or inverted), ~0 when independent.
 *
 * Bins: 32 equal bins of 8 grey levels by default. The plug-in estimator is
 * biased upwards by about (bx-1)(by-1) / (2 N ln 2) bits; with 256 x 256 bins and
 * N = 40,000 pixels that is ~1.2 bits, which would show two independent noise
 * images as NMI ~0.15. 32 bins keep the bias near 0.003 at that N while staying
 * symmetric under v -> 255 - v (bin k <-> 31 - k), so the BPE negative-positive
 * step does not change the score. Pass `bins` to change it.
 * Two constant images (H(X) + H(Y) = 0) count as NMI 1: each predicts the other.
 */
import type { RgbImage } from '../image/rgb';
import { assertSameSize, type GrayImage, toGray } from './gray';

export const DEFAULT_NMI_BINS = 32;

function entropyBits(counts: Float64Array | Uint32Array, total: number): number {
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c > 0) {
      const p = c / total;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

export interface MutualInformation {
  hx: number;
  hy: number;
  mutual: number;
  nmi: number;
}

export function mutualInformationGray(a: GrayImage, b: GrayImage, bins = DEFAULT_NMI_BINS): MutualInformation {
  assertSameSize(a, b, 'NMI');
  if (!Number.isInteger(bins) || bins < 2 || bins > 256 || 256 % bins !== 0) {
    throw new Error('NMI bins must divide 256 (2, 4, ..., 256)');
  }
  const shift = Math.log2(256 / bins);
  const n = a.data.length;
  const joint = new Uint32Array(bins * bins);
  const hxCounts = new Uint32Array(bins);
  const hyCounts = new Uint32Array(bins);
  for (let i = 0; i < n; i++) {
    const x = a.data[i] >> shift;
    const y = b.data[i] >> shift;
    joint[x * bins + y]++;
    hxCounts[x]++;
    hyCounts[y]++;
  }
  const hx = entropyBits(hxCounts, n);
  const hy = entropyBits(hyCounts, n);
  const hxy = entropyBits(joint, n);
  // Rounding can leave I a hair below 0 for independent images.
  const mutual = Math.max(0, hx + hy - hxy);
  const nmi = hx + hy === 0 ? 1 : Math.min(1, (2 * mutual) / (hx + hy));
  return { hx, hy, mutual, nmi };
}

export function normalizedMutualInformation(a: RgbImage, b: RgbImage, bins = DEFAULT_NMI_BINS): number {
  return mutualInformationGray(toGray(a), toGray(b), bins).nmi;
}
