/**
 * Front door for loading any supported file: sniffs the bytes (not the name),
 * dispatches to the PNG, JPEG or DICOM decoder, and maps every failure to a
 * DecodeError. Runs in Node, in a worker and on the main thread alike.
 */
import jpeg from 'jpeg-js';
import { grayToRgb, rgbaToRgb, type RgbImage } from '../image/rgb';
import { PngRefusedError, readBoundedPng } from '../image/png';
import { DecodeError, frameOutOfRange, noWindowsToChoose } from './errors';
import { checkImageSize, MAX_IMAGE_PIXELS } from './limits';
import type { DecodeOptions, DecodedImage, SourceFormat } from './types';

export { DecodeError } from './errors';
export type { DecodedImage, DecodeOptions, DicomSummary, SourceFormat } from './types';

export function sniffFormat(bytes: Uint8Array): SourceFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d)
    return 'dicom';
  // DICOM without the 128-byte preamble / meta header: starts with a group 0x0008 (or 0x0002) tag
  if (bytes.length >= 8 && (bytes[0] === 0x08 || bytes[0] === 0x02) && bytes[1] === 0x00) return 'dicom';
  return undefined;
}

export async function decodeImageFile(
  bytes: Uint8Array,
  name = 'file',
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  return (await openImageFrames(bytes, name, options)).decode(options.frame ?? 0);
}

/** A file's frames, decoded one at a time with the same options: a DICOM is parsed once for all of them. */
export interface ImageFrames {
  frames: number;
  decode(frame: number): Promise<DecodedImage>;
}

/** Opens a file for decoding frame by frame (PNG and JPEG have one frame); every failure is a DecodeError naming the file. */
export async function openImageFrames(
  bytes: Uint8Array,
  name = 'file',
  options: DecodeOptions = {},
): Promise<ImageFrames> {
  const format = sniffFormat(bytes);
  const named = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof DecodeError || err instanceof PngRefusedError)
        throw new DecodeError(err.message, name, { cause: err });
      throw new DecodeError(damagedMessage(format, err), name, { cause: err });
    }
  };
  return named(async (): Promise<ImageFrames> => {
    switch (format) {
      case 'png':
      case 'jpeg': {
        noGreyChoice(options);
        const only = wrap(format, format === 'png' ? decodePngImage(bytes) : decodeJpegImage(bytes));
        return {
          frames: 1,
          decode: async (frame) => {
            if (frame !== 0) throw frameOutOfRange(frame, 1, name);
            return only;
          },
        };
      }
      case 'dicom': {
        const { openDicomFrames } = await import('./dicom/decodeDicom');
        const dicom = await openDicomFrames(bytes, options);
        return { frames: dicom.frames, decode: (frame) => named(() => dicom.decode(frame)) };
      }
      default:
        throw new DecodeError('not a PNG, JPEG or DICOM file');
    }
  });
}

/** A grey-level choice other than the default means a window or VOI LUT: DICOM grey images only. */
function noGreyChoice(options: DecodeOptions): void {
  if (options.voi) throw noWindowsToChoose();
}

function wrap(format: SourceFormat, image: RgbImage): DecodedImage {
  return {
    format,
    image,
    frames: 1,
    frame: 0,
    raw: {
      width: image.width,
      height: image.height,
      samplesPerPixel: 3,
      bitsAllocated: 8,
      signed: false,
      data: image.data,
    },
  };
}

function decodePngImage(bytes: Uint8Array): RgbImage {
  // Bounded: the size is checked before anything is inflated, and the image data inflates no further than it allows.
  const png = readBoundedPng(bytes, checkImageSize);
  const { width, height, channels, depth } = png;
  const src = png.data;
  // 16-bit PNGs keep their high byte; palette PNGs arrive expanded by fast-png only when asked, so map here.
  const n = width * height;
  const to8 = (v: number) => (depth === 16 ? v >> 8 : depth < 8 ? Math.round((v * 255) / ((1 << depth) - 1)) : v);
  if (png.palette) {
    const out = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      const entry = png.palette[src[i]] ?? [0, 0, 0];
      out[3 * i] = entry[0];
      out[3 * i + 1] = entry[1];
      out[3 * i + 2] = entry[2];
    }
    return { width, height, data: out };
  }
  if (channels === 1 || channels === 2) {
    const gray = new Uint8Array(n);
    for (let i = 0; i < n; i++) gray[i] = to8(src[i * channels]);
    return grayToRgb(width, height, gray);
  }
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    rgba[4 * i] = to8(src[i * channels]);
    rgba[4 * i + 1] = to8(src[i * channels + 1]);
    rgba[4 * i + 2] = to8(src[i * channels + 2]);
  }
  return rgbaToRgb(width, height, rgba);
}

function decodeJpegImage(bytes: Uint8Array): RgbImage {
  // jpeg-js everywhere (not the browser's decoder) so page and CLI get identical pixels.
  // jpeg-js refuses past the resolution before allocating (its message is mapped below); the side check follows.
  // Its memory accounting charges about 24 bytes a pixel for colour (component blocks, lines, RGBA out; a 49 MP
  // colour JPEG needs 1.0–1.2 GB of it, measured), so
  // its memory limit must leave room for MAX_IMAGE_PIXELS of colour, or colour JPEGs past ~25 MP would be refused.
  const decodeLimited = () =>
    jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: Math.ceil((MAX_IMAGE_PIXELS * 26) / 2 ** 20),
    });
  let img: ReturnType<typeof decodeLimited>;
  try {
    img = decodeLimited();
  } catch (err) {
    if (/maxResolutionInMP/.test(describe(err)))
      throw new DecodeError(`image too large (over ${MAX_IMAGE_PIXELS / 1e6} megapixels, the most this app takes)`);
    if (/maxMemoryUsageInMB/.test(describe(err)))
      throw new DecodeError('image too large to decode (its JPEG layout needs more memory than this app allows)');
    throw err;
  }
  checkImageSize(img.width, img.height);
  return rgbaToRgb(img.width, img.height, img.data);
}

/**
 * A library's exception in words for the person who loaded the file. Engine errors (TypeError,
 * RangeError: "Cannot read properties of undefined", "Offset is outside the bounds of the DataView")
 * are the decoder tripping over damaged bytes, so they say only that; a library's own message
 * ("marker was not found") is kept when it is short and says nothing of the code.
 */
function damagedMessage(format: SourceFormat | undefined, err: unknown): string {
  const what = format ? `this ${format.toUpperCase()} file` : 'this file';
  const detail = describe(err);
  const engine = err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError;
  if (engine || !/^[\w ,.:'()-]{1,120}$/.test(detail) || /undefined|null|NaN|offset|bounds|array/i.test(detail))
    return `${what} is damaged or not one this app can read`;
  return `${what} is damaged or not one this app can read (${detail})`;
}

function describe(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err instanceof Error) return err.message;
  return String(err);
}
