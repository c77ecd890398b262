/**
 * Reproduces the display pixels (DecodedImage.image) from the archived raw samples,
 * so unpack(pack(x)).image equals x.image exactly.
 *
 * - 8-bit RGB sources (PNG, JPEG, colour DICOM stored as RGB): the raw samples are
 *   the display pixels.
 * - Gray sources (DICOM): the decoder's pipeline (sign, rescale, modality LUT, VOI
 *   window, MONOCHROME1 inversion) maps each stored value to one gray level. We
 *   tabulate that map over the frame's value range when packing and apply it when
 *   unpacking. The table is the window the user saw, frozen: a later change to the
 *   decoder's rounding cannot change what the archive shows. The window centre and
 *   width are also kept in the metadata for people to read.
 * - Anything else (e.g. YBR stored samples): the display pixels are archived too.
 *
 * Must never: approximate. If a recipe does not reproduce every pixel, fall back
 * to storing the display image.
 */
import { deflateSync } from 'fflate';
import { boundedInflate, InflateLimitError } from '../../bytes/boundedInflate';
import type { RgbImage } from '../../image/rgb';
import type { DisplayRecipe } from './metadata';
import type { RawSamples } from './rawSamples';
import { sameBytes } from './jpeg2000';

/** Biggest value range we tabulate (16-bit samples span 65536). */
export const MAX_LUT_LENGTH = 1 << 16;

export interface DisplayPlan {
  recipe: DisplayRecipe;
  /** the deflated table for 'gray-lut' */
  lut?: Uint8Array;
}

export function planDisplay(raw: RawSamples, image: RgbImage): DisplayPlan {
  const sameSize = image.width === raw.width && image.height === raw.height;
  if (
    sameSize &&
    raw.samplesPerPixel === 3 &&
    raw.bitsAllocated === 8 &&
    sameBytes(raw.data as Uint8Array, image.data)
  ) {
    return { recipe: { kind: 'raw-is-display' } };
  }
  if (sameSize && raw.samplesPerPixel === 1 && raw.bitsAllocated <= 16) {
    const table = tabulateGray(raw, image);
    if (table)
      return {
        recipe: { kind: 'gray-lut', min: table.min, length: table.lut.length },
        lut: deflateSync(table.lut, { level: 9 }),
      };
  }
  return { recipe: { kind: 'stored-image', width: image.width, height: image.height } };
}

function signedValue(raw: RawSamples, i: number): number {
  // Signed 8-bit samples sit in a Uint8Array; read them as two's complement.
  const v = raw.data[i];
  return raw.bitsAllocated === 8 && raw.signed && v > 127 ? v - 256 : v;
}

function tabulateGray(raw: RawSamples, image: RgbImage): { min: number; lut: Uint8Array } | undefined {
  const n = raw.width * raw.height;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = signedValue(raw, i);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const length = max - min + 1;
  if (length > MAX_LUT_LENGTH) return undefined;
  const lut = new Uint8Array(length);
  const seen = new Uint8Array(length);
  const d = image.data;
  for (let i = 0; i < n; i++) {
    const gray = d[3 * i];
    if (d[3 * i + 1] !== gray || d[3 * i + 2] !== gray) return undefined; // not a gray display
    const k = signedValue(raw, i) - min;
    if (seen[k] && lut[k] !== gray) return undefined; // not a per-value map (e.g. a spatial filter)
    seen[k] = 1;
    lut[k] = gray;
  }
  return { min, lut };
}

/** Rebuilds the display pixels; `stored` is the decoded display codestream for 'stored-image'. */
export function applyDisplay(
  recipe: DisplayRecipe,
  raw: RawSamples,
  lutDeflated?: Uint8Array,
  stored?: Uint8Array,
): RgbImage {
  const { width, height } = raw;
  switch (recipe.kind) {
    case 'raw-is-display':
      if (raw.samplesPerPixel !== 3 || raw.bitsAllocated !== 8)
        throw new Error('package display recipe does not fit its samples');
      return { width, height, data: (raw.data as Uint8Array).slice() };
    case 'gray-lut': {
      if (!lutDeflated || raw.samplesPerPixel !== 1 || raw.bitsAllocated > 16)
        throw new Error('package display table is missing');
      const lut = inflateTable(lutDeflated, recipe.length);
      const out = new Uint8Array(width * height * 3);
      for (let i = 0; i < width * height; i++) {
        // Verified samples always fall inside the table. Only the unauthenticated CBC comparison can
        // hand us values outside it; show them at the nearest end, as a window would saturate them.
        const k = Math.min(Math.max(signedValue(raw, i) - recipe.min, 0), lut.length - 1);
        out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = lut[k];
      }
      return { width, height, data: out };
    }
    case 'stored-image':
      if (!stored || stored.length !== recipe.width * recipe.height * 3)
        throw new Error('package display image is missing');
      return { width: recipe.width, height: recipe.height, data: stored };
  }
}

/** The display table, inflated no further than the length its metadata declares (checked first). */
function inflateTable(deflated: Uint8Array, length: number): Uint8Array {
  if (!(Number.isInteger(length) && length >= 1 && length <= MAX_LUT_LENGTH))
    throw new Error(`package display table declares ${length} entries; a table has 1 to ${MAX_LUT_LENGTH}`);
  let lut: Uint8Array;
  try {
    lut = boundedInflate(deflated, { limit: length, format: 'raw', keep: true }).bytes!;
  } catch (err) {
    if (err instanceof InflateLimitError)
      throw new Error(`package display table inflates past the ${length} entries its metadata declares`, {
        cause: err,
      });
    throw new Error('package display table is damaged', { cause: err });
  }
  if (lut.length !== length) throw new Error('package display table has the wrong length');
  return lut;
}
