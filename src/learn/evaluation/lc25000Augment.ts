/**
 * Copies of an image made the way LC25000 made its 5,000 images per class from 250
 * originals: Augmentor's `rotate(probability=1, max_left_rotation=25,
 * max_right_rotation=25)` then `flip_left_right` and `flip_top_bottom` (each with
 * probability 0.5). Augmentor's rotation turns by a whole number of degrees
 * (left or right by a coin, then uniform in 0..25), expands the canvas, crops a
 * centred box and resizes it back to the original square; its crop formula has an
 * operator-precedence slip (`E = E / 1 - tan²` where `E / (1 - tan²)` was meant),
 * so the box is not the largest square but a centred rectangle, up to 513 x 306 of
 * a 768 square at 25°: every copy is the original rotated, then stretched by up to
 * 1.5x across and 2.5x down. Reproduced here, slip included, because the
 * near-duplicate descriptor (nearDuplicates.ts) must undo it and its threshold is
 * calibrated on copies made this way (scripts/near-duplicates.ts). Pure.
 */

export interface Lc25000Transform {
  /** whole degrees, -25..25, counter-clockwise as PIL's rotate */
  angle: number;
  flipX: boolean;
  flipY: boolean;
}

/** Augmentor's draw: a coin for left or right, then a whole number of degrees up to the maximum. */
export function randomLc25000Transform(next: () => number, maxAngle = 25): Lc25000Transform {
  const magnitude = Math.floor(next() * (maxAngle + 1));
  return { angle: next() < 0.5 ? -magnitude : magnitude, flipX: next() < 0.5, flipY: next() < 0.5 };
}

/**
 * The box Augmentor crops from a side x side square rotated by `angle` degrees,
 * centred on the rotated canvas: its width and height in the square's pixels.
 */
export function augmentorCrop(angle: number, side: number): { width: number; height: number } {
  const a = (Math.abs(angle) * Math.PI) / 180;
  const canvas = side * (Math.cos(a) + Math.sin(a));
  const t = Math.tan(a);
  const e = t * (canvas - canvas * t) - t * t; // the slip: Augmentor's `E / 1 - tan²`
  const top = t * (canvas - e);
  return { width: canvas - 2 * e, height: canvas - 2 * top };
}

/** The transformed copy of an RGB size x size image (bilinear; Augmentor resamples bicubically). */
export function applyLc25000(rgb: Uint8Array, size: number, t: Lc25000Transform): Uint8Array {
  const theta = (t.angle * Math.PI) / 180;
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const crop = augmentorCrop(t.angle, size);
  const centre = (size - 1) / 2;
  const last = size - 1;
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      // output pixel -> point of the cropped box (centred) -> point of the unrotated square
      const u = ((t.flipX ? last - x : x) - centre) * (crop.width / size);
      const v = ((t.flipY ? last - y : y) - centre) * (crop.height / size);
      const sx = Math.min(last, Math.max(0, centre + c * u - s * v));
      const sy = Math.min(last, Math.max(0, centre + s * u + c * v));
      const x0 = Math.min(last - 1, Math.floor(sx));
      const y0 = Math.min(last - 1, Math.floor(sy));
      const fx = sx - x0;
      const fy = sy - y0;
      for (let ch = 0; ch < 3; ch++) {
        const at = (i: number, j: number) => rgb[(j * size + i) * 3 + ch];
        const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
        const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
        out[(y * size + x) * 3 + ch] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  return out;
}
