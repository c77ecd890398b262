/**
 * The one way this app reads a PNG: walk its chunks, check the header's size,
 * inflate the image data no further than that size allows, and only then let
 * fast-png decode it. fast-png alone inflates whatever a file holds, so a 261 KB
 * PNG declaring 200 × 200 could make it inflate 256 MiB (issue 19).
 *
 * - The image data must inflate to exactly what IHDR declares (rows of one filter
 *   byte plus the packed samples, per Adam7 pass when interlaced); the inflater
 *   stops one small step past that, before anything of the bomb's size exists.
 * - A colour profile (iCCP) may inflate to ICC_PROFILE_LIMIT at most. This app does
 *   no colour management, so profiles and compressed text (zTXt, iTXt) are then
 *   left out of what fast-png sees, and it inflates nothing but checked image data.
 *
 * Must never: inflate past a limit, or let fast-png see a chunk it would inflate
 * that was not checked here. Messages are for the person who loaded the file.
 */
import { decode, type DecodedPng } from 'fast-png';
import { boundedInflate, InflateDamagedError, InflateLimitError } from '../bytes/boundedInflate';

/** Real ICC profiles are a few hundred KB at most; this leaves room and refuses bombs. */
export const ICC_PROFILE_LIMIT = 1 << 20;
/** Inflated image data past this is refused whatever the caller's size check: over 1 GiB would not decode anyway. */
const MAX_IMAGE_DATA_BYTES = 1 << 30;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Chunks fast-png needs or reads without inflating; the others are left out of what it sees. */
const PASSED_ON = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'tEXt', 'IEND']);
/** Bit depths PNG allows for each colour type, and its samples per pixel. */
const COLOUR_TYPES: Record<number, { depths: number[]; channels: number }> = {
  0: { depths: [1, 2, 4, 8, 16], channels: 1 },
  2: { depths: [8, 16], channels: 3 },
  3: { depths: [1, 2, 4, 8], channels: 1 },
  4: { depths: [8, 16], channels: 2 },
  6: { depths: [8, 16], channels: 4 },
};
/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** A PNG this app will not read; the message says why in words a clinician can act on. */
export class PngRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PngRefusedError';
  }
}

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  interlaced: boolean;
}

const damaged = (why: string, cause?: unknown) =>
  new PngRefusedError(`this PNG file is damaged (${why})`, cause === undefined ? undefined : { cause });

function readHeader(data: Uint8Array): PngHeader {
  if (data.length !== 13) throw damaged('its header has the wrong length');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const header = {
    width: view.getUint32(0),
    height: view.getUint32(4),
    depth: data[8],
    colourType: data[9],
    interlaced: data[12] === 1,
  };
  const type = COLOUR_TYPES[header.colourType];
  if (!type) throw damaged('its header names an unknown colour type');
  if (!type.depths.includes(header.depth)) throw damaged('its header names a bit depth its colour type does not have');
  if (data[10] !== 0 || data[11] !== 0 || data[12] > 1) throw damaged('its header names an unknown compression');
  if (header.width < 1 || header.height < 1 || header.width > 2 ** 31 - 1 || header.height > 2 ** 31 - 1)
    throw damaged('its header gives an impossible size');
  return header;
}

/** Exactly how many bytes the image data inflates to: each row is a filter byte and its packed samples. */
export function inflatedImageBytes(h: PngHeader): number {
  const bitsPerPixel = COLOUR_TYPES[h.colourType].channels * h.depth;
  const rows = (width: number, height: number) =>
    width > 0 && height > 0 ? height * (1 + Math.ceil((width * bitsPerPixel) / 8)) : 0;
  if (!h.interlaced) return rows(h.width, h.height);
  return ADAM7.reduce(
    (sum, [x0, y0, dx, dy]) => sum + rows(Math.ceil((h.width - x0) / dx), Math.ceil((h.height - y0) / dy)),
    0,
  );
}

interface Chunk {
  type: string;
  /** the whole chunk: length, type, data and CRC */
  bytes: Uint8Array;
  data: Uint8Array;
}

function* chunksOf(bytes: Uint8Array): Generator<Chunk> {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b))
    throw new PngRefusedError('this is not a PNG file (its first bytes are not a PNG signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  // A file cut after its last complete chunk ends here; one cut inside a chunk is damaged.
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw damaged('a chunk has no valid name');
    if (length > bytes.length - at - 12) throw damaged('it ends in the middle of a chunk');
    yield { type, bytes: bytes.subarray(at, at + 12 + length), data: bytes.subarray(at + 8, at + 8 + length) };
    if (type === 'IEND') return;
    at += 12 + length;
  }
}

/** Refuses a colour profile that inflates past ICC_PROFILE_LIMIT (or is not deflate data). */
function checkProfile(data: Uint8Array): void {
  const nameEnd = data.indexOf(0);
  if (nameEnd < 1 || nameEnd > 79 || nameEnd + 2 > data.length) throw damaged('its colour profile chunk is malformed');
  try {
    boundedInflate(data.subarray(nameEnd + 2), { limit: ICC_PROFILE_LIMIT, format: 'zlib', keep: false });
  } catch (err) {
    if (err instanceof InflateLimitError)
      throw new PngRefusedError(
        `this PNG file's colour profile inflates past ${ICC_PROFILE_LIMIT / 2 ** 20} MiB, more than any real profile: refused as unsafe`,
        { cause: err },
      );
    throw damaged('its colour profile is corrupt', err);
  }
}

/**
 * Checks a PNG as above and returns it decoded by fast-png. `checkSize` refuses a
 * header size the caller does not take (it runs before anything is inflated).
 */
export function readBoundedPng(bytes: Uint8Array, checkSize?: (width: number, height: number) => void): DecodedPng {
  let header: PngHeader | undefined;
  const kept: Uint8Array[] = [Uint8Array.from(SIGNATURE)];
  const imageData: Uint8Array[] = [];
  let ended = false;
  for (const chunk of chunksOf(bytes)) {
    if (!header) {
      if (chunk.type !== 'IHDR') throw damaged('it does not start with its header');
      header = readHeader(chunk.data);
      checkSize?.(header.width, header.height);
    } else if (chunk.type === 'IHDR') throw damaged('it has two headers');
    if (chunk.type === 'IDAT') imageData.push(chunk.data);
    if (chunk.type === 'iCCP') checkProfile(chunk.data);
    if (chunk.type === 'IEND') ended = true;
    if (PASSED_ON.has(chunk.type)) kept.push(chunk.bytes);
  }
  if (!header) throw damaged('it ends before its header');
  if (imageData.length === 0) throw damaged('it holds no image data');
  checkImageData(header, imageData);
  // A file cut after its image data still decodes: fast-png needs the end chunk it lacks (CRC unchecked).
  if (!ended) kept.push(Uint8Array.of(0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82));
  return decode(concat(kept));
}

/** The image data must inflate to exactly the header's size: refused the moment it passes it. */
function checkImageData(header: PngHeader, imageData: Uint8Array[]): void {
  const expected = inflatedImageBytes(header);
  if (expected > MAX_IMAGE_DATA_BYTES)
    throw new PngRefusedError(`image too large (${header.width} × ${header.height} at ${header.depth} bits)`);
  let length: number;
  try {
    length = boundedInflate(imageData, { limit: expected, format: 'zlib', keep: false }).length;
  } catch (err) {
    if (err instanceof InflateLimitError)
      throw new PngRefusedError(
        `this PNG file's image data is larger than its header says (${header.width} × ${header.height}): refused as unsafe`,
        { cause: err },
      );
    if (err instanceof InflateDamagedError) throw damaged('its image data is corrupt or ends early', err);
    throw err;
  }
  if (length < expected) throw damaged('its image data ends early');
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
