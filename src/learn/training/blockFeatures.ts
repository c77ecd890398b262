/**
 * Training on precomputed block features. The patch embedding is fixed after its
 * PCA-whitening initialisation, so W x (before bias) can be computed once per
 * training image and geometric variant (flips, shifts or 90° rotations), and the
 * intensity augmentation applied exactly on the features: pixels a*v + beta give
 * x' = a*x + s with s = 0.5a + beta/255 - 0.5 (inputs centred at 0.5), hence
 * W x' + c = a*(W x) + s*(sum of W's rows) + c. Epochs then cost only the trunk.
 * Node or browser; never sees a key.
 */
import * as tf from '@tensorflow/tfjs';
import type { HostTensor } from '../../lib/models/init';
import { ModelRandom } from '../../lib/models/init';
import { blockOrderIndex } from '../../lib/protection/protectedInput';
import type { AugmentationKind } from './augment';

/** Fixed geometric variants per image (v = 0..3); more (--variants N) are random affine ones. */
export const VARIANTS = 4;

/**
 * Geometric variant v of an image (v = 0 is the image itself). Variants 0..3 are
 * fixed (what the first models were trained with); v >= 4 is a random affine
 * variant drawn from (image id, v), so a bank with more variants gives the trunk
 * more distinct views of each image without any per-epoch embedding cost.
 */
export function geometricVariant(
  src: Uint8Array,
  size: number,
  kind: AugmentationKind,
  v: number,
  imageId = 0,
): Uint8Array {
  if (v === 0 || kind === 'none') return src;
  if (v >= VARIANTS) return randomAffineVariant(src, size, kind, new ModelRandom(imageId * 65537 + v * 7919 + 13));
  const out = new Uint8Array(src.length);
  const last = size - 1;
  // MRI: mirror and small shifts (anatomy keeps its orientation); histology: any rotation/flip
  const mri = [
    [false, 0, 0, 0],
    [true, 0, 0, 0],
    [false, 10, 6, 0],
    [true, -8, 10, 0],
  ] as const;
  const histo = [
    [false, 0, 0, 0],
    [false, 0, 0, 1],
    [true, 0, 0, 2],
    [true, 0, 0, 3],
  ] as const;
  const [flip, dx, dy, rot] = (kind === 'mri' ? mri : histo)[v];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sx = x - dx;
      let sy = y - dy;
      if (flip) sx = last - sx;
      for (let r = 0; r < rot; r++) {
        const t = sx;
        sx = sy;
        sy = last - t;
      }
      const o = (y * size + x) * 3;
      if (sx < 0 || sy < 0 || sx > last || sy > last) continue; // zero fill
      const s = (sy * size + sx) * 3;
      out[o] = src[s];
      out[o + 1] = src[s + 1];
      out[o + 2] = src[s + 2];
    }
  }
  return out;
}

/**
 * Bilinear affine resampling. MRI: mirror, rotation within ±10°, scale 0.9–1.1,
 * shift within ±12 px, black outside the scan (anatomy keeps its orientation,
 * scanners differ in field of view and centring). Histology: any of the 8
 * dihedral orientations, shift within ±25 px with mirrored borders (tissue has no
 * orientation or position) and a per-channel stain gain of 0.9–1.1.
 */
export function randomAffineVariant(
  src: Uint8Array,
  size: number,
  kind: AugmentationKind,
  rng: ModelRandom,
): Uint8Array {
  const mri = kind === 'mri';
  const mirror = rng.next() < 0.5;
  const angle = mri ? ((rng.next() - 0.5) * 20 * Math.PI) / 180 : (rng.int(4) * Math.PI) / 2;
  const scale = mri ? 0.9 + 0.2 * rng.next() : 1;
  const maxShift = mri ? 12 : 25;
  const dx = (rng.next() - 0.5) * 2 * maxShift;
  const dy = (rng.next() - 0.5) * 2 * maxShift;
  const gain = [0, 1, 2].map(() => (mri ? 1 : 0.9 + 0.2 * rng.next()));
  const out = new Uint8Array(src.length);
  const last = size - 1;
  const c = last / 2;
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const reflect = (t: number) => {
    let r = Math.abs(t);
    r %= 2 * last;
    return r > last ? 2 * last - r : r;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // inverse map: output pixel -> source pixel (undo shift, rotation/scale, mirror)
      const u = x - c - dx;
      const w = y - c - dy;
      let sx = cos * u + sin * w;
      let sy = -sin * u + cos * w;
      if (mirror) sx = -sx;
      sx += c;
      sy += c;
      const o = (y * size + x) * 3;
      if (mri) {
        if (sx < 0 || sy < 0 || sx > last || sy > last) continue; // black outside
      } else {
        sx = reflect(sx);
        sy = reflect(sy);
      }
      const x0 = Math.min(Math.floor(sx), last - 1);
      const y0 = Math.min(Math.floor(sy), last - 1);
      const fx = sx - x0;
      const fy = sy - y0;
      const a = (y0 * size + x0) * 3;
      const b = a + 3;
      const d = a + size * 3;
      const e = d + 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = src[a + ch] * (1 - fx) + src[b + ch] * fx;
        const bottom = src[d + ch] * (1 - fx) + src[e + ch] * fx;
        const value = (top * (1 - fy) + bottom * fy) * gain[ch];
        out[o + ch] = value > 255 ? 255 : Math.round(value);
      }
    }
  }
  return out;
}

export interface FeatureBank {
  /** per (image, variant): T * D floats of W (x - centre), no bias */
  features: Float32Array;
  variants: number;
  tokens: number;
  width: number;
  /** sum over rows of W: the feature change per unit shift of every input */
  rowSum: Float32Array;
  bias: Float32Array;
}

export async function buildFeatureBank(
  pixels: Uint8Array,
  ids: number[],
  size: number,
  patch: number,
  centre: number,
  w: HostTensor,
  b: HostTensor,
  kind: AugmentationKind,
  variants: number,
  log: (s: string) => void,
): Promise<FeatureBank> {
  const [P, D] = w.shape;
  const T = (size / patch) ** 2;
  const per = size * size * 3;
  const order = blockOrderIndex(size, patch);
  const features = new Float32Array(ids.length * variants * T * D);
  const W = tf.tensor2d(w.data, [P, D]);
  const chunk = 32;
  const jobs: [number, number][] = [];
  for (let k = 0; k < ids.length; k++) for (let v = 0; v < variants; v++) jobs.push([k, v]);
  const t0 = Date.now();
  for (let start = 0; start < jobs.length; start += chunk) {
    const part = jobs.slice(start, start + chunk);
    const x = new Float32Array(part.length * per);
    part.forEach(([k, v], j) => {
      const img = geometricVariant(pixels.subarray(ids[k] * per, (ids[k] + 1) * per), size, kind, v, ids[k]);
      for (let i = 0; i < per; i++) x[j * per + i] = img[order[i]] / 255 - centre;
    });
    const out = tf.tidy(() => tf.matMul(tf.tensor2d(x, [part.length * T, P]), W));
    const data = (await out.data()) as Float32Array;
    out.dispose();
    part.forEach(([k, v], j) => features.set(data.subarray(j * T * D, (j + 1) * T * D), (k * variants + v) * T * D));
    if ((start / chunk) % 100 === 99)
      log(`block features: ${start + part.length}/${jobs.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  W.dispose();
  const rowSum = new Float32Array(D);
  for (let i = 0; i < P; i++) for (let d = 0; d < D; d++) rowSum[d] += w.data[i * D + d];
  return { features, variants, tokens: T, width: D, rowSum, bias: Float32Array.from(b.data) };
}

/** Writes the embedded tokens of bank row `row`, variant v, intensity a*pixel + beta, at out[offset ...]. */
export function embedOne(
  bank: FeatureBank,
  row: number,
  v: number,
  a: number,
  beta: number,
  out: Float32Array,
  offset: number,
): void {
  const { tokens: T, width: D, variants } = bank;
  const s = 0.5 * a + beta / 255 - 0.5;
  const src = bank.features.subarray((row * variants + v) * T * D, (row * variants + v + 1) * T * D);
  for (let t = 0; t < T; t++) {
    for (let d = 0; d < D; d++) out[offset + t * D + d] = a * src[t * D + d] + s * bank.rowSum[d] + bank.bias[d];
  }
}

/** Embedded tokens [n, T, D] for bank rows `rows` (index into the ids the bank was built from). */
export function embeddedBatch(
  bank: FeatureBank,
  rows: number[],
  rng: ModelRandom | undefined,
  kind: AugmentationKind,
): Float32Array {
  const { tokens: T, width: D, variants } = bank;
  const out = new Float32Array(rows.length * T * D);
  rows.forEach((row, k) => {
    let v = 0;
    let a = 1;
    let beta = 0;
    if (rng && kind !== 'none') {
      v = rng.int(variants);
      a = kind === 'mri' ? 0.85 + 0.3 * rng.next() : 0.9 + 0.2 * rng.next();
      beta = (rng.next() - 0.5) * (kind === 'mri' ? 30 : 20);
    }
    embedOne(bank, row, v, a, beta, out, k * T * D);
  });
  return out;
}

export interface CutMix {
  /** batch row whose cells were pasted into row k (-1 = none) */
  partner: Int32Array;
  /** share of row k's cells that came from the partner */
  share: Float32Array;
}

/**
 * CutMix at block granularity, in place on embedded tokens [n, side*side, width]:
 * with the given probability a row gets a random rectangle of cells from another
 * row of the batch. Cutting whole blocks commutes with the per-block embedding,
 * so this is exactly CutMix on the images with a block-aligned box. The label
 * becomes the cell-share mixture (see mixedTargets).
 */
export function blockCutMix(
  tokens: Float32Array,
  n: number,
  side: number,
  width: number,
  rng: ModelRandom,
  probability: number,
): CutMix {
  const T = side * side;
  const partner = new Int32Array(n).fill(-1);
  const share = new Float32Array(n);
  if (n < 2 || probability <= 0) return { partner, share };
  const source = tokens.slice();
  for (let k = 0; k < n; k++) {
    if (rng.next() >= probability) continue;
    let r = rng.int(n - 1);
    if (r >= k) r++;
    const h = 1 + rng.int(side - 1);
    const w = 1 + rng.int(side - 1);
    const y0 = rng.int(side - h + 1);
    const x0 = rng.int(side - w + 1);
    for (let y = y0; y < y0 + h; y++) {
      for (let x = x0; x < x0 + w; x++) {
        const t = y * side + x;
        tokens.set(source.subarray((r * T + t) * width, (r * T + t + 1) * width), (k * T + t) * width);
      }
    }
    partner[k] = r;
    share[k] = (h * w) / T;
  }
  return { partner, share };
}

/** Label distributions [n, K] after CutMix, with label smoothing eps. */
export function mixedTargets(labels: number[], mix: CutMix, classes: number, eps: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  labels.forEach((y, k) => {
    const row = k * classes;
    for (let c = 0; c < classes; c++) out[row + c] = eps / classes;
    const s = mix.partner[k] >= 0 ? mix.share[k] : 0;
    out[row + y] += (1 - eps) * (1 - s);
    if (s > 0) out[row + labels[mix.partner[k]]] += (1 - eps) * s;
  });
  return out;
}
