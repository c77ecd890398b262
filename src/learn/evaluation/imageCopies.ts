/**
 * A descriptor for whole-image copies (issue 18: the Brain Tumor MRI set joins
 * figshare, SARTAJ and Br35H, and holds the same scan more than once, sometimes
 * resized, re-encoded, mirrored or with other black margins). Unlike LC25000's
 * copies (nearDuplicates.ts) these are not rotated, so a thumbnail compared pixel
 * by pixel is enough, made blind to what a copy may change:
 *  - margins and size: the thumbnail covers a box placed by the brightness moments
 *    of the scan (grey above the background level), so black padding adds nothing,
 *    a resize scales the box with the scan, and a small crop moves it a little;
 *  - re-encoding: an area-averaged side x side thumbnail keeps the scan's shapes
 *    and loses pixel-level noise;
 *  - brightness and contrast: each thumbnail less its mean, to unit length, so two
 *    thumbnails' dot product is their correlation;
 *  - mirroring: the similarity is the better of the plain and mirrored match.
 * Pure and cheap: no model (a model trained on these images is built to ignore
 * what tells two scans of one class apart).
 */

export interface ThumbnailOptions {
  /** the thumbnail's side, in cells */
  side: number;
  /** the thumbnail spans the scan's centre of brightness +- this many standard deviations, across and down */
  spread: number;
  /** grey levels at or below this percentile, plus `backgroundLift`, are background */
  backgroundPercentile: number;
  /** a re-encoded black is rarely 0, and the loader pads a non-square file with a true 0: grey this far above the percentile is still background */
  backgroundLift: number;
}

export const THUMBNAIL_DESCRIPTOR: ThumbnailOptions = {
  side: 16,
  spread: 2,
  backgroundPercentile: 1,
  backgroundLift: 24,
};

/** Standardised thumbnails of one image, plain and mirrored. */
export interface Thumbnail {
  plain: Float32Array;
  mirrored: Float32Array;
}

export function grey(rgb: Uint8Array, size: number): Float32Array {
  const g = new Float32Array(size * size);
  for (let i = 0; i < g.length; i++) g[i] = 0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2];
  return g;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Grey less its background level (the percentile, plus `lift`), clipped at 0: black margins weigh nothing. */
export function aboveBackground(g: Float32Array, percentile: number, lift = 0): Float32Array {
  // a histogram of whole grey levels, not a sort: thousands of images
  const counts = new Array<number>(257).fill(0);
  for (const v of g) counts[Math.min(256, Math.max(0, Math.floor(v)))]++;
  const rank = Math.floor((percentile / 100) * g.length);
  let floor = 0;
  for (let seen = 0; floor < 256 && seen + counts[floor] <= rank; floor++) seen += counts[floor];
  return g.map((v) => Math.max(0, v - floor - lift));
}

/**
 * The box centred on the brightness-weighted centre, `spread` standard deviations
 * of brightness each way across and down. Moments, not a threshold: black padding
 * adds nothing to them, a resize scales them, a small crop moves them a little.
 */
export function momentBox(w: Float32Array, size: number, spread: number): Box {
  let total = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const v = w[y * size + x];
      total += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  if (total === 0) return { x0: 0, y0: 0, x1: size, y1: size };
  mx /= total;
  my /= total;
  let vx = 0;
  let vy = 0;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const v = w[y * size + x];
      vx += v * (x + 0.5 - mx) ** 2;
      vy += v * (y + 0.5 - my) ** 2;
    }
  const sx = Math.max(1, spread * Math.sqrt(vx / total));
  const sy = Math.max(1, spread * Math.sqrt(vy / total));
  return { x0: mx - sx, y0: my - sy, x1: mx + sx, y1: my + sy };
}

/** The area-averaged side x side thumbnail of a box of an image (fractional edges weighted; beyond the image, 0). */
function thumbnail(g: Float32Array, size: number, box: Box, side: number): Float32Array {
  const sx = (box.x1 - box.x0) / side;
  const sy = (box.y1 - box.y0) / side;
  const out = new Float32Array(side * side);
  for (let ty = 0; ty < side; ty++) {
    const fy0 = box.y0 + ty * sy;
    const fy1 = fy0 + sy;
    for (let tx = 0; tx < side; tx++) {
      const fx0 = box.x0 + tx * sx;
      const fx1 = fx0 + sx;
      let sum = 0;
      for (let y = Math.max(0, Math.floor(fy0)); y < Math.min(size, Math.ceil(fy1)); y++) {
        const wy = Math.min(y + 1, fy1) - Math.max(y, fy0);
        for (let x = Math.max(0, Math.floor(fx0)); x < Math.min(size, Math.ceil(fx1)); x++)
          sum += wy * (Math.min(x + 1, fx1) - Math.max(x, fx0)) * g[y * size + x];
      }
      out[ty * side + tx] = sum / (sx * sy);
    }
  }
  return out;
}

function mirror(t: Float32Array, side: number): Float32Array {
  const out = new Float32Array(t.length);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) out[y * side + x] = t[y * side + (side - 1 - x)];
  return out;
}

/** Less its mean, to unit length (all zeros for a flat thumbnail: it matches nothing). */
function standardise(v: Float32Array): Float32Array {
  let mean = 0;
  for (const x of v) mean += x / v.length;
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] -= mean;
    norm += v[i] * v[i];
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < v.length; i++) v[i] *= scale;
  return v;
}

/** The standardised thumbnail of a size x size RGB image's moment box, and its mirror image. */
export function thumbnailDescriptor(
  rgb: Uint8Array,
  size: number,
  o: ThumbnailOptions = THUMBNAIL_DESCRIPTOR,
): Thumbnail {
  const w = aboveBackground(grey(rgb, size), o.backgroundPercentile, o.backgroundLift);
  const plain = thumbnail(w, size, momentBox(w, size, o.spread), o.side);
  return { plain: standardise(plain), mirrored: standardise(mirror(plain, o.side)) };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Two images' similarity in [-1, 1]: the correlation of their thumbnails, the better of plain and mirrored (1: a copy). */
export function copySimilarity(a: Thumbnail, b: Thumbnail): number {
  return Math.max(dot(a.plain, b.plain), dot(a.plain, b.mirrored));
}
