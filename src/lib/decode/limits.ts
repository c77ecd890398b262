/**
 * How large an image this app takes. A file says its own size in a few header
 * bytes: a 250 KB PNG can claim 16000 x 16000 (1 GB decoded), a 1 MB deflated
 * DICOM can inflate to a gigabyte. Checked before anything of that size is
 * allocated, so such a file fails alone with a message instead of taking the tab
 * (and every other scan in it) down. The largest common medical images,
 * mammograms at about 4000 x 5000, are well inside.
 */
import { DecodeError } from './errors';

export const MAX_IMAGE_SIDE = 16384;
export const MAX_IMAGE_PIXELS = 50_000_000;
/** Deflated DICOM: the most the dataset may inflate to. */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;

export function checkImageSize(width: number, height: number): void {
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new DecodeError(
      `image too large (${width} × ${height}; this app takes up to ${MAX_IMAGE_SIDE} pixels a side and ${MAX_IMAGE_PIXELS / 1e6} megapixels)`,
    );
  }
}
