/**
 * Stored samples -> 8-bit RGB display pixels, in one fixed order:
 *   grey:   sign-extend (BitsStored, PixelRepresentation) -> rescale slope/intercept
 *           (or the file's Modality LUT) -> VOI window (file's first pair, else the
 *           file's VOI LUT, else min/max of this frame) -> MONOCHROME1 inversion
 *           -> 8-bit, replicated to R=G=B
 *   colour: sign-extend -> top 8 bits -> YBR_FULL to RGB where needed (no window).
 *   palette: sign-extend -> red/green/blue lookup tables (no rescale, no window).
 * Pure arithmetic on arrays: no DOM, no I/O, deterministic (fixtures pin its bytes).
 */
import type { RgbImage } from '../../image/rgb';
import { DecodeError } from '../errors';
import type { DicomSummary, LutSummary } from '../types';
import type { ImageAttributes } from './imageAttributes';
import { lookUp, type LookupTable } from './lookupTables';
import { applyPalette, type Palette } from './paletteColour';
import type { SampleArray } from './storedSamples';

export interface DisplayResult {
  image: RgbImage;
  window?: { center: number; width: number; source: 'file' | 'computed' };
  /** the lookup tables from the file that shaped the grey values */
  lookupTables?: DicomSummary['lookupTables'];
}

/**
 * `photometric` is the colour model of `samples` after decompression (codecs may already give RGB).
 * PALETTE COLOR needs its `palette`; its stored values index the tables directly (no rescale, no window).
 */
export function toDisplayRgb(
  samples: SampleArray,
  a: ImageAttributes,
  photometric: string,
  palette?: Palette,
): DisplayResult {
  const values = signExtend(samples, a);
  if (photometric === 'PALETTE COLOR') {
    if (!palette) throw new DecodeError('damaged DICOM file (PALETTE COLOR without its colour tables)');
    return { image: applyPalette(values, palette, a.columns, a.rows) };
  }
  if (a.samplesPerPixel === 1) return greyToDisplay(values, a, photometric);
  return { image: colourToDisplay(values, a, photometric) };
}

/** Stored bit pattern -> integer value: drop bits above HighBit, then two's complement when signed. */
export function signExtend(
  samples: SampleArray,
  a: Pick<ImageAttributes, 'bitsAllocated' | 'bitsStored' | 'highBit' | 'pixelRepresentation'>,
): Float64Array {
  const out = new Float64Array(samples.length);
  const bits = a.bitsStored;
  const shift = Math.max(0, a.highBit + 1 - bits);
  const range = 2 ** bits;
  const half = 2 ** (bits - 1);
  const signed = a.pixelRepresentation === 1;
  for (let i = 0; i < samples.length; i++) {
    // Work on the unsigned pattern of bitsAllocated bits (typed arrays may hold it as negative).
    let v = samples[i];
    if (v < 0) v += 2 ** Math.max(8, a.bitsAllocated);
    v = Math.floor(v / 2 ** shift) % range;
    out[i] = signed && v >= half ? v - range : v;
  }
  return out;
}

function greyToDisplay(values: Float64Array, a: ImageAttributes, photometric: string): DisplayResult {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = toModalityValue(values[i], a);
    values[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const lookupTables =
    a.modalityLut || (!a.window && a.voiLut)
      ? { modality: lutSummary(a.modalityLut), voi: a.window ? undefined : lutSummary(a.voiLut) }
      : undefined;
  const invert = photometric === 'MONOCHROME1';
  const data = new Uint8Array(n * 3);
  const put = (i: number, g: number) => {
    g = g < 0 ? 0 : g > 255 ? 255 : g;
    if (invert) g = 255 - g;
    data[3 * i] = g;
    data[3 * i + 1] = g;
    data[3 * i + 2] = g;
  };
  const image = { width: a.columns, height: a.rows, data };
  // The file's window wins over its VOI LUT (the standard lets the viewer choose; a
  // window is what most viewers show first). VOI LUT output 0 .. 2^bits - 1 -> 0 .. 255.
  if (!a.window && a.voiLut) {
    const voi = a.voiLut;
    const top = 2 ** voi.bits - 1;
    for (let i = 0; i < n; i++) put(i, Math.round((lookUp(voi, values[i]) * 255) / top));
    return { image, lookupTables };
  }
  // Computed window maps min -> 0 and max -> 255 exactly under the DICOM linear function.
  const window = a.window
    ? { ...a.window, source: 'file' as const }
    : { center: (min + max + 1) / 2, width: Math.max(1, max - min + 1), source: 'computed' as const };
  const grey = linearWindow(window);
  for (let i = 0; i < n; i++) put(i, grey(values[i]));
  return { image, window, ...(lookupTables ? { lookupTables } : {}) };
}

/** Sign-extended stored value -> modality value (Hounsfield units for CT): the file's Modality LUT, else rescale. */
export function toModalityValue(
  value: number,
  a: Pick<ImageAttributes, 'rescaleSlope' | 'rescaleIntercept' | 'modalityLut'>,
): number {
  return a.modalityLut ? lookUp(a.modalityLut, value) : value * a.rescaleSlope + a.rescaleIntercept;
}

/**
 * The DICOM linear VOI function (PS3.3 C.11.2.1.2.1) for one window: modality value -> grey 0..255
 * (before MONOCHROME1 inversion). The viewer windows with this same function, so its first picture
 * and the decoder's agree byte for byte.
 */
export function linearWindow(window: { center: number; width: number }): (v: number) => number {
  const lower = window.center - 0.5 - (window.width - 1) / 2;
  const upper = window.center - 0.5 + (window.width - 1) / 2;
  const span = Math.max(window.width - 1, 1e-9);
  const centre = window.center - 0.5;
  return (v) => (v <= lower ? 0 : v > upper ? 255 : Math.round(((v - centre) / span + 0.5) * 255));
}

const lutSummary = (lut?: LookupTable): LutSummary | undefined =>
  lut ? { entries: lut.entries.length, bits: lut.bits } : undefined;

function colourToDisplay(values: Float64Array, a: ImageAttributes, photometric: string): RgbImage {
  const pixels = a.rows * a.columns;
  const down = 2 ** Math.max(0, a.bitsStored - 8);
  const to8 = (v: number) => Math.min(255, Math.max(0, Math.floor(v / down)));
  const data = new Uint8Array(pixels * 3);
  if (photometric === 'RGB') {
    for (let i = 0; i < pixels * 3; i++) data[i] = to8(values[i]);
  } else if (photometric === 'YBR_FULL') {
    for (let i = 0; i < pixels; i++) {
      const y = to8(values[3 * i]);
      const cb = to8(values[3 * i + 1]) - 128;
      const cr = to8(values[3 * i + 2]) - 128;
      data[3 * i] = clamp8(y + 1.402 * cr);
      data[3 * i + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr);
      data[3 * i + 2] = clamp8(y + 1.772 * cb);
    }
  } else {
    throw new DecodeError(`unsupported colour model (${photometric} in uncompressed data)`);
  }
  return { width: a.columns, height: a.rows, data };
}

function clamp8(v: number): number {
  const r = Math.round(v);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}
