/**
 * Resizing to the model's S x S input. Written here (not canvas drawImage) so the
 * browser, the CLI and the tests produce the same bytes: the encrypted pixels the
 * page shows must equal the CLI's for the same file and key.
 */
import type { RgbImage } from './rgb';

/**
 * Area-averaging resample (box filter over the source footprint of each target
 * pixel). Exact integer arithmetic is not needed; the float path is deterministic
 * in every JS engine because it uses only +, *, / and Math.round.
 */
export function resizeRgb(src: RgbImage, width: number, height: number): RgbImage {
  if (src.width === width && src.height === height) return { width, height, data: src.data.slice() };
  const out = new Uint8Array(width * height * 3);
  const sx = src.width / width;
  const sy = src.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = y * sy;
    const y1 = y0 + sy;
    for (let x = 0; x < width; x++) {
      const x0 = x * sx;
      const x1 = x0 + sx;
      let r = 0, g = 0, b = 0, wsum = 0;
      for (let yy = Math.floor(y0); yy < Math.min(Math.ceil(y1), src.height); yy++) {
        const wy = Math.min(yy + 1, y1) - Math.max(yy, y0);
        if (wy <= 0) continue;
        for (let xx = Math.floor(x0); xx < Math.min(Math.ceil(x1), src.width); xx++) {
          const wx = Math.min(xx + 1, x1) - Math.max(xx, x0);
          if (wx <= 0) continue;
          const w = wx * wy;
          const k = (yy * src.width + xx) * 3;
          r += src.data[k] * w;
          g += src.data[k + 1] * w;
          b += src.data[k + 2] * w;
          wsum += w;
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
export function toModelInput(src: RgbImage, size = 200): RgbImage {
  const side = Math.max(src.width, src.height);
  let square = src;
  if (src.width !== src.height) {
    const ox = (side - src.width) >> 1;
    const oy = (side - src.height) >> 1;
    const data = new Uint8Array(side * side * 3);
    for (let y = 0; y < src.height; y++) {
      const from = y * src.width * 3;
      data.set(src.data.subarray(from, from + src.width * 3), ((y + oy) * side + ox) * 3);
    }
    square = { width: side, height: side, data };
  }
  return resizeRgb(square, size, size);
}
