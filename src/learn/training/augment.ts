/**
 * Training-time augmentation on plain uint8 images, before the patch embedding
 * (the model sees augmented plain images; adaptation to a key happens after
 * training, so nothing here needs a key). MRI: horizontal flip, small shifts,
 * brightness/contrast. Histopathology: flips, 90° rotations, colour jitter.
 * Deterministic for a given random source.
 */
import type { ModelRandom } from '../../lib/models/init';

export type AugmentationKind = 'mri' | 'histology' | 'none';

/** Writes the augmented image (values 0..255 as float) into out[offset ...]. */
export function augmentInto(
  src: Uint8Array,
  size: number,
  kind: AugmentationKind,
  rng: ModelRandom,
  out: Float32Array,
  offset: number,
): void {
  const n = size * size * 3;
  if (kind === 'none') {
    for (let i = 0; i < n; i++) out[offset + i] = src[i];
    return;
  }
  const flipX = rng.next() < 0.5;
  let flipY = false;
  let rot = 0;
  let dx = 0;
  let dy = 0;
  const scale = [1, 1, 1];
  let shift: number;
  if (kind === 'mri') {
    const maxShift = Math.round(size * 0.06);
    dx = rng.int(2 * maxShift + 1) - maxShift;
    dy = rng.int(2 * maxShift + 1) - maxShift;
    const contrast = 0.85 + 0.3 * rng.next();
    scale.fill(contrast);
    shift = (rng.next() - 0.5) * 30;
  } else {
    flipY = rng.next() < 0.5;
    rot = rng.int(4);
    const brightness = 0.9 + 0.2 * rng.next();
    for (let c = 0; c < 3; c++) scale[c] = brightness * (0.92 + 0.16 * rng.next());
    shift = (rng.next() - 0.5) * 20;
  }
  const last = size - 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // source coordinates: inverse of (rotate, flip, shift)
      let sx = x - dx;
      let sy = y - dy;
      if (flipX) sx = last - sx;
      if (flipY) sy = last - sy;
      for (let r = 0; r < rot; r++) {
        const t = sx;
        sx = sy;
        sy = last - t;
      }
      const o = offset + (y * size + x) * 3;
      if (sx < 0 || sy < 0 || sx > last || sy > last) {
        out[o] = out[o + 1] = out[o + 2] = 0;
        continue;
      }
      const s = (sy * size + sx) * 3;
      for (let c = 0; c < 3; c++) {
        const v = src[s + c] * scale[c] + shift;
        out[o + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
}
