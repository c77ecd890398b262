/**
 * PNG encode/decode of RgbImage with optional text chunks (fast-png: same bytes in Node and browser).
 * Reading goes through pngLimits.ts, which bounds every inflate (never call fast-png's decode directly).
 */
import { encode } from 'fast-png';
import { readBoundedPng } from './pngLimits';
import type { RgbImage } from './rgb';

export { PngRefusedError, readBoundedPng } from './pngLimits';

export function encodeRgbPng(image: RgbImage, text?: Record<string, string>): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.data, channels: 3, depth: 8, text });
}

/** A PNG's signature, then its first chunk's length (13) and type "IHDR". */
const PNG_START = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

/**
 * Width and height from a PNG's IHDR (it comes first: signature, chunk length, "IHDR",
 * then width and height, big-endian), read before decoding anything; undefined when
 * the bytes are too short to hold it or do not start as a PNG does.
 */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24) return undefined;
  // not a PNG (a JPEG, a package): no size, rather than eight bytes of something else read as one
  if (PNG_START.some((b, i) => bytes[i] !== b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * Reads an 8-bit RGB(A) PNG exactly (no colour management, no resampling). `checkSize` refuses a
 * declared size the caller does not take, before anything is inflated.
 */
export function decodeRgbPng(
  bytes: Uint8Array,
  checkSize?: (width: number, height: number) => void,
): { image: RgbImage; text: Record<string, string> } {
  const png = readBoundedPng(bytes, checkSize);
  if (png.depth !== 8 || (png.channels !== 3 && png.channels !== 4) || png.palette) {
    throw new Error(`expected an 8-bit RGB PNG, got ${png.channels} channel(s) at ${png.depth} bits`);
  }
  const n = png.width * png.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) data[3 * i + c] = png.data[i * png.channels + c];
  return { image: { width: png.width, height: png.height, data }, text: png.text ?? {} };
}
