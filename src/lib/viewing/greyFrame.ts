/**
 * One frame as a viewer windows it: the value of every pixel in the modality's
 * units (Hounsfield units for CT), from the stored samples the decoder keeps
 * (DecodedImage.raw) through the display pipeline's own sign extension and
 * rescale / Modality LUT, so the viewer and the model input read the same numbers.
 * Grey 8-bit PNG and JPEG (R = G = B everywhere) count as grey with values 0..255.
 * Pure arithmetic: no DOM, no I/O; never changes the DecodedImage it reads.
 */
import { signExtend, toModalityValue } from '../decode/dicom/displayPipeline';
import type { DecodedImage } from '../decode/types';

export interface GreyFrame {
  width: number;
  height: number;
  /** modality value per pixel, row by row */
  values: Float32Array;
  min: number;
  max: number;
  /** MONOCHROME1: high values are dark */
  invert: boolean;
}

/** The frame's modality values, or undefined for colour images (they are shown as decoded, not windowed). */
export function greyFrameOf(decoded: Pick<DecodedImage, 'raw' | 'modalityTransform' | 'dicom'>): GreyFrame | undefined {
  const raw = decoded.raw;
  if (!raw) return undefined;
  const transform = decoded.modalityTransform;
  if (transform && raw.samplesPerPixel === 1) {
    const stored = raw.bitsAllocated === 32 ? unpack32(raw.data as Uint8Array, raw.signed) : raw.data;
    const extended = signExtend(stored, transform);
    const values = new Float32Array(extended.length);
    for (let i = 0; i < extended.length; i++) values[i] = toModalityValue(extended[i], transform);
    const invert = decoded.dicom?.photometricInterpretation === 'MONOCHROME1';
    return withRange(raw.width, raw.height, values, invert);
  }
  if (!decoded.dicom && raw.samplesPerPixel === 3 && raw.bitsAllocated === 8)
    return greyRgb(raw.width, raw.height, raw.data);
  return undefined;
}

/** 32-bit samples travel as little-endian bytes (DecodedImage.raw); back to one number each. */
function unpack32(bytes: Uint8Array, signed: boolean): Uint32Array | Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / 4;
  const out = signed ? new Int32Array(n) : new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = signed ? view.getInt32(4 * i, true) : view.getUint32(4 * i, true);
  return out;
}

function greyRgb(width: number, height: number, rgb: ArrayLike<number>): GreyFrame | undefined {
  const n = width * height;
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgb[3 * i];
    if (rgb[3 * i + 1] !== r || rgb[3 * i + 2] !== r) return undefined;
    values[i] = r;
  }
  return withRange(width, height, values, false);
}

function withRange(width: number, height: number, values: Float32Array, invert: boolean): GreyFrame {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { width, height, values, min, max, invert };
}
