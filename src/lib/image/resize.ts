/**
 * Resizing to the model's S x S input. Written here (not canvas drawImage) so the
 * browser, the CLI and the tests produce the same bytes: the encrypted pixels the
 * page shows must equal the CLI's for the same file and key.
 */
import { MODEL_INPUT_SIZE } from './modelInput';
import type { RgbImage } from './rgb';

/**
 * Area-averaging resample (box filter over the source footprint of each target
 * pixel). Exact integer arithmetic is not needed; the float path is deterministic
 * in every JS engine because it uses only +, *, / and Math.round.
 */
export function resizeRgb(src: RgbImage, width: number, height: number): RgbImage {
  if (src.width === width && src.height === height) return { width, height, data: src.data.slice() };
  return resizePadded(src, src.width, src.height, 0, 0, width, height);
}

/**
 * The resample of `src` placed at (ox, oy) on a black side x side canvas, without
 * making that canvas (a 16384 x 1 strip would need 800 MB of it). The sums run in
 * the same order as over a real canvas, and a black pixel adds exactly 0, so the
 * bytes equal those of padding first and resizing after.
 */
function resizePadded(
  src: RgbImage,
  canvasWidth: number,
  canvasHeight: number,
  ox: number,
  oy: number,
  width: number,
  height: number,
): RgbImage {
  const out = new Uint8Array(width * height * 3);
  const sx = canvasWidth / width;
  const sy = canvasHeight / height;
  for (let y = 0; y < height; y++) {
    const y0 = y * sy;
    const y1 = y0 + sy;
    for (let x = 0; x < width; x++) {
      const x0 = x * sx;
      const x1 = x0 + sx;
      let r = 0,
        g = 0,
        b = 0,
        wsum = 0;
      for (let yy = Math.floor(y0); yy < Math.min(Math.ceil(y1), canvasHeight); yy++) {
        const wy = Math.min(yy + 1, y1) - Math.max(yy, y0);
        if (wy <= 0) continue;
        const row = yy - oy;
        const inRow = row >= 0 && row < src.height;
        for (let xx = Math.floor(x0); xx < Math.min(Math.ceil(x1), canvasWidth); xx++) {
          const wx = Math.min(xx + 1, x1) - Math.max(xx, x0);
          if (wx <= 0) continue;
          const w = wx * wy;
          wsum += w;
          const col = xx - ox;
          if (!inRow || col < 0 || col >= src.width) continue; // black: adds 0 to r, g, b
          const k = (row * src.width + col) * 3;
          r += src.data[k] * w;
          g += src.data[k + 1] * w;
          b += src.data[k + 2] * w;
        }
      }
      const o = (y * width + x) * 3;
      out[o] = Math.round(r / wsum);
      out[o + 1] = Math.round(g / wsum);
      out[o + 2] = Math.round(b / wsum);
    }
  }
  return { width, height, data: out };
}

/**
 * The model input: pad to a centred square with black (nothing of the scan is
 * cut away), then resize to S x S.
 */
export function toModelInput(src: RgbImage, size = MODEL_INPUT_SIZE): RgbImage {
  if (src.width === src.height) return resizeRgb(src, size, size);
  const side = Math.max(src.width, src.height);
  return resizePadded(src, side, side, (side - src.width) >> 1, (side - src.height) >> 1, size, size);
}
