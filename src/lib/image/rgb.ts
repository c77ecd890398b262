/**
 * The one pixel container the pipeline passes around: 8-bit RGB, interleaved,
 * row-major. Grayscale sources are replicated to three channels before they get
 * here, so the cipher and the models see one layout only.
 */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** length = width * height * 3, R G B R G B ... */
  readonly data: Uint8Array;
}

export function createRgbImage(width: number, height: number, data?: Uint8Array): RgbImage {
  const size = width * height * 3;
  if (data && data.length !== size) {
    throw new Error(`image data has ${data.length} bytes, expected ${size} for ${width}x${height} RGB`);
  }
  return { width, height, data: data ?? new Uint8Array(size) };
}

export function grayToRgb(width: number, height: number, gray: Uint8Array): RgbImage {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < gray.length; i++) {
    out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = gray[i];
  }
  return { width, height, data: out };
}

export function rgbaToRgb(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): RgbImage {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < out.length; i += 3, j += 4) {
    out[i] = rgba[j];
    out[i + 1] = rgba[j + 1];
    out[i + 2] = rgba[j + 2];
  }
  return { width, height, data: out };
}

export function rgbToRgba(image: RgbImage): Uint8ClampedArray {
  const out = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0, j = 0; i < image.data.length; i += 3, j += 4) {
    out[j] = image.data[i];
    out[j + 1] = image.data[i + 1];
    out[j + 2] = image.data[i + 2];
    out[j + 3] = 255;
  }
  return out;
}

/** Luma (BT.601) as a single-channel image, used by metrics and attacks. */
export function rgbToGray(image: RgbImage): Uint8Array {
  const n = image.width * image.height;
  const out = new Uint8Array(n);
  const d = image.data;
  for (let i = 0; i < n; i++) {
    out[i] = Math.round(0.299 * d[3 * i] + 0.587 * d[3 * i + 1] + 0.114 * d[3 * i + 2]);
  }
  return out;
}
