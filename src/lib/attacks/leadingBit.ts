/**
 * Leading-bit attack on a BPE image. The negative-positive step maps v to 255 - v,
 * which flips every bit, the leading bit included; folding v -> min(v, 255 - v)
 * maps both to the same value, so the attacker recovers each value's distance
 * from mid-grey without the key. The three folded channels of one position come
 * from one plain pixel (channel shuffling stays inside a pixel), so their mean is
 * an estimate of that pixel's folded grey level, doubled to fill 0..254.
 * What it cannot undo: block positions and the in-block pixel order stay
 * scrambled, so the result has the original's grey-level statistics but not its
 * layout. It reads only the encrypted image, never a key.
 */
import type { RgbImage } from '../image/rgb';

export function foldValue(v: number): number {
  return v < 128 ? v : 255 - v;
}

export function leadingBitAttack(encrypted: RgbImage): RgbImage {
  const d = encrypted.data;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i += 3) {
    const folded = foldValue(d[i]) + foldValue(d[i + 1]) + foldValue(d[i + 2]);
    // 2 * mean, at most 2 * 127 = 254: keeps the folded range visible on screen.
    const g = Math.round((2 * folded) / 3);
    out[i] = out[i + 1] = out[i + 2] = g;
  }
  return { width: encrypted.width, height: encrypted.height, data: out };
}
