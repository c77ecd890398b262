/**
 * Known duplicates for calibrating the whole-image copy descriptor (imageCopies.ts)
 * with no ground truth: a copy of an image made the ways the Brain Tumor MRI set's
 * copies differ from each other — other black margins (padding, or a crop into
 * them, around the scan), other pixel size (downsized, then read at the model's input size again),
 * re-encoding (a blur and coarser grey levels, as JPEG's quantisation does) and a
 * left-right mirror. Never a rotation: the set's copies are not rotated. The copy
 * goes through toModelInput, as a file on disk would. Pure.
 */
import { resizeRgb, toModelInput } from '../../lib/image/resize';
import type { RgbImage } from '../../lib/image/rgb';
import { aboveBackground, grey } from './imageCopies';

export interface CopyTransform {
  /** the copy's frame: black margin (> 0) or a cut into the scan (< 0) beyond its foreground box at each side, as a share of the side */
  margins: { top: number; bottom: number; left: number; right: number };
  /** the copy's pixel size as a share of the original's (downsized, then read at full size) */
  scale: number;
  /** a 3 x 3 box blur */
  blur: boolean;
  /** grey levels kept per channel (256: all) */
  levels: number;
  mirror: boolean;
}

/** A seeded draw: margins -2 %..+12 % a side, scale 0.4..1, blur p = 0.5, 16..256 levels, mirror p = 0.5. */
export function randomCopyTransform(next: () => number): CopyTransform {
  const margin = () => -0.02 + 0.14 * next();
  return {
    margins: { top: margin(), bottom: margin(), left: margin(), right: margin() },
    scale: 0.4 + 0.6 * next(),
    blur: next() < 0.5,
    levels: [16, 32, 64, 256][Math.floor(next() * 4)],
    mirror: next() < 0.5,
  };
}

/** The box of the pixels brighter than the background (the darkest 1 %): where the scan ends and the margin begins. */
function scanBox(src: RgbImage): { x0: number; y0: number; x1: number; y1: number } {
  const w = aboveBackground(grey(src.data, src.width), 1);
  const size = src.width;
  let [x0, y0, x1, y1] = [size, size, 0, 0];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      if (w[y * size + x] > 8)
        [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x + 1), Math.max(y1, y + 1)];
  return x1 > x0 ? { x0, y0, x1, y1 } : { x0: 0, y0: 0, x1: size, y1: size };
}

/** The scan re-framed: its box with the margins around it, black beyond the image. */
function reframed(src: RgbImage, m: CopyTransform['margins']): RgbImage {
  const box = scanBox(src);
  const px = (share: number) => Math.round(share * src.width);
  const left = px(m.left) - box.x0;
  const top = px(m.top) - box.y0;
  const width = Math.max(8, box.x1 - box.x0 + px(m.left) + px(m.right));
  const height = Math.max(8, box.y1 - box.y0 + px(m.top) + px(m.bottom));
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const sx = x - left;
      const sy = y - top;
      if (sx < 0 || sy < 0 || sx >= src.width || sy >= src.height) continue;
      data.set(src.data.subarray((sy * src.width + sx) * 3, (sy * src.width + sx) * 3 + 3), (y * width + x) * 3);
    }
  return { width, height, data };
}

function boxBlur(src: RgbImage): Uint8Array {
  const { width, height, data } = src;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        let n = 0;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || xx < 0 || yy >= height || xx >= width) continue;
            s += data[(yy * width + xx) * 3 + c];
            n++;
          }
        out[(y * width + x) * 3 + c] = Math.round(s / n);
      }
  return out;
}

/** The copy of a size x size RGB image under `t`, read back at size x size as the dataset loader would. */
export function applyCopyTransform(rgb: Uint8Array, size: number, t: CopyTransform): Uint8Array {
  const framed = reframed({ width: size, height: size, data: rgb }, t.margins);
  const small = resizeRgb(
    framed,
    Math.max(8, Math.round(framed.width * t.scale)),
    Math.max(8, Math.round(framed.height * t.scale)),
  );
  const encoded = t.blur ? boxBlur(small) : small.data.slice();
  const step = 256 / t.levels;
  for (let i = 0; i < encoded.length; i++) encoded[i] = Math.min(255, Math.floor(encoded[i] / step) * step + step / 2);
  const out = toModelInput({ width: small.width, height: small.height, data: encoded }, size).data;
  if (!t.mirror) return out;
  const mirrored = new Uint8Array(out.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      mirrored.set(out.subarray((y * size + x) * 3, (y * size + x) * 3 + 3), (y * size + (size - 1 - x)) * 3);
  return mirrored;
}
