/**
 * A descriptor of a square RGB image that two LC25000 copies of one original share
 * (issue 18: near-duplicates on both sides of a split). Each LC25000 copy is its
 * original rotated by up to 25° about the centre, stretched along the image axes by
 * Augmentor's crop (lc25000Augment.ts: up to 1.5x across, 2.5x down, fixed by the
 * angle) and flipped. All of it keeps the centre, so the descriptor is built from
 * rings around the centre, measured in the original's pixels:
 *  - for each stretch hypothesis (the crop of one angle), the rings are ellipses in
 *    the image that are circles in the original; under the right hypothesis two
 *    copies differ only by a rotation and flips about the centre;
 *  - on each ring, the magnitudes of the first harmonics of grey level along the
 *    ring: a rotation shifts the ring's samples (phase only), a flip reverses them
 *    (conjugate), neither changes a magnitude;
 *  - rings at log-spaced radii: a stretch between two hypotheses of the grid is
 *    close to a zoom, i.e. a shift by whole rings, which `pairSimilarity` tries.
 * Pure and cheap (no model): a model trained on these images is built to ignore
 * what tells two originals of one class apart.
 */
import { augmentorCrop } from './lc25000Augment';

export interface RingDescriptorOptions {
  /** rings, log-spaced from minRadius to maxRadius (fractions of the original's side) */
  rings: number;
  minRadius: number;
  maxRadius: number;
  /** harmonics 0 .. harmonics-1 of each ring (0: the ring's mean grey) */
  harmonics: number;
  /** samples along each ring; a multiple of 4, so a 90° turn maps the circular rings' samples onto samples */
  samples: number;
  /** Augmentor angles whose stretch is undone, one descriptor each (0: none, circular rings) */
  hypotheses: number[];
  /** ring shifts tried between two descriptors (the zoom between neighbouring hypotheses) */
  maxShift: number;
}

export const RING_DESCRIPTOR: RingDescriptorOptions = {
  rings: 28,
  minRadius: 0.025,
  // inside the image for every hypothesis: the 25° crop keeps 0.398 of the side down
  maxRadius: 0.19,
  harmonics: 12,
  samples: 256,
  hypotheses: [0, 12, 17, 21, 24],
  maxShift: 2,
};

/** Grey level (0..1) after a 3 x 3 box blur (it commutes with flips and 90° turns). */
function blurredGrey(rgb: Uint8Array, size: number): Float32Array {
  const grey = new Float32Array(size * size);
  for (let i = 0; i < grey.length; i++)
    grey[i] = (0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2]) / 255;
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || xx < 0 || yy >= size || xx >= size) continue;
          s += grey[yy * size + xx];
          n++;
        }
      out[y * size + x] = s / n;
    }
  return out;
}

function bilinear(grey: Float32Array, size: number, x: number, y: number): number {
  const x0 = Math.min(size - 2, Math.max(0, Math.floor(x)));
  const y0 = Math.min(size - 2, Math.max(0, Math.floor(y)));
  const fx = Math.min(1, Math.max(0, x - x0));
  const fy = Math.min(1, Math.max(0, y - y0));
  const i = y0 * size + x0;
  const top = grey[i] * (1 - fx) + grey[i + 1] * fx;
  const bottom = grey[i + size] * (1 - fx) + grey[i + size + 1] * fx;
  return top * (1 - fy) + bottom * fy;
}

/**
 * One descriptor per stretch hypothesis: rings x harmonics values,
 * log(1e-3 + |harmonic|), ring by ring (innermost first).
 */
export function ringDescriptors(
  rgb: Uint8Array,
  size: number,
  o: RingDescriptorOptions = RING_DESCRIPTOR,
): Float32Array[] {
  if (o.samples % 4) throw new Error('ringDescriptors needs a multiple of 4 samples');
  const grey = blurredGrey(rgb, size);
  const centre = (size - 1) / 2;
  const ring = new Float32Array(o.samples);
  const cos = Float64Array.from({ length: o.samples }, (_, k) => Math.cos((2 * Math.PI * k) / o.samples));
  const sin = Float64Array.from({ length: o.samples }, (_, k) => Math.sin((2 * Math.PI * k) / o.samples));
  return o.hypotheses.map((angle) => {
    // image pixels per original pixel, across and down, if this copy was made at `angle`
    const crop = augmentorCrop(angle, size);
    const kx = size / crop.width;
    const ky = size / crop.height;
    const out = new Float32Array(o.rings * o.harmonics);
    for (let r = 0; r < o.rings; r++) {
      const radius = size * o.minRadius * Math.pow(o.maxRadius / o.minRadius, r / (o.rings - 1));
      for (let k = 0; k < o.samples; k++)
        ring[k] = bilinear(grey, size, centre + radius * kx * cos[k], centre + radius * ky * sin[k]);
      for (let m = 0; m < o.harmonics; m++) {
        let re = 0;
        let im = 0;
        for (let k = 0; k < o.samples; k++) {
          const j = (m * k) % o.samples;
          re += ring[k] * cos[j];
          im -= ring[k] * sin[j];
        }
        out[r * o.harmonics + m] = Math.log(1e-3 + Math.hypot(re, im) / o.samples);
      }
    }
    return out;
  });
}

/** Each descriptor value's mean over a pool (what `standardiseRings` takes away). */
export function ringMean(all: Float32Array[]): Float64Array {
  const mean = new Float64Array(all[0]?.length ?? 0);
  for (const d of all) for (let i = 0; i < mean.length; i++) mean[i] += d[i] / all.length;
  return mean;
}

/**
 * A descriptor made comparable: each value less its pool mean (the common fall of
 * magnitude with the harmonic would make every pair look alike), then each ring's
 * row scaled to zero mean and unit length, so `ringSimilarity` is a mean of
 * per-ring correlations.
 */
export function standardiseRings(
  d: Float32Array,
  mean: Float64Array,
  o: RingDescriptorOptions = RING_DESCRIPTOR,
): Float32Array {
  const out = new Float32Array(d.length);
  for (let r = 0; r < o.rings; r++) {
    const at = r * o.harmonics;
    let rowMean = 0;
    for (let m = 0; m < o.harmonics; m++) rowMean += (d[at + m] - mean[at + m]) / o.harmonics;
    let norm = 0;
    for (let m = 0; m < o.harmonics; m++) {
      out[at + m] = d[at + m] - mean[at + m] - rowMean;
      norm += out[at + m] ** 2;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let m = 0; m < o.harmonics; m++) out[at + m] *= scale;
  }
  return out;
}

/**
 * Similarity of two standardised descriptors in [-1, 1]: the best, over ring shifts
 * -maxShift..maxShift (a zoom), of the mean correlation of overlapping rings.
 */
export function ringSimilarity(
  a: Float32Array,
  b: Float32Array,
  maxShift: number,
  o: RingDescriptorOptions = RING_DESCRIPTOR,
): number {
  const h = o.harmonics;
  let best = -1;
  for (let s = -maxShift; s <= maxShift; s++) {
    const from = Math.max(0, -s);
    const to = Math.min(o.rings, o.rings - s);
    let sum = 0;
    for (let r = from; r < to; r++) {
      const ia = r * h;
      const ib = (r + s) * h;
      for (let m = 0; m < h; m++) sum += a[ia + m] * b[ib + m];
    }
    const mean = sum / (to - from);
    if (mean > best) best = mean;
  }
  return best;
}

/** Two images' similarity: the best over both images' stretch hypotheses. */
export function pairSimilarity(
  a: Float32Array[],
  b: Float32Array[],
  o: RingDescriptorOptions = RING_DESCRIPTOR,
): number {
  let best = -1;
  for (const da of a) for (const db of b) best = Math.max(best, ringSimilarity(da, db, o.maxShift, o));
  return best;
}
