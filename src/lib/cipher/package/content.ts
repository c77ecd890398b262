/**
 * What a package protects, before encryption: the raw samples of one frame as
 * lossless JPEG 2000, the recipe for its display pixels, and allow-listed
 * metadata (a frame's content); since format 3, every frame of the file, each
 * as one such content, in a frame list. Shared by the AES-GCM package and the
 * AES-CBC comparison (which keeps one frame).
 *
 * Must never: return samples whose SHA-256 differs from the one recorded at
 * packing time (unless the caller is the unauthenticated comparison mode, which
 * exists to show what happens without that check).
 */
import { checkImageSize } from '../../decode/limits';
import type { DecodedImage } from '../../decode/types';
import type { RgbImage } from '../../image/rgb';
import { sha256Hex } from '../../bytes/bytes';
import { applyDisplay, planDisplay } from './display';
import { decodeCodestream, encodeLossless } from './jpeg2000';
import { buildMetadata, parseMetadata, type PackageMetadata } from './metadata';
import { readPayload, readPayloadMetadata, writePayload } from './payload';
import { layoutOf, planesOf, planeShapes, rawByteLength, rawBytes, rawFromPlanes, type RawSamples } from './rawSamples';

export interface PackedContent {
  plaintext: Uint8Array;
  rawBytes: number;
  /** the sample codestreams */
  jpeg2000Bytes: number;
  /** display table or display codestream, when the display is not the raw samples */
  displayBytes: number;
  metadataBytes: number;
}

export interface UnpackedImage {
  /** the raw stored samples, bit-identical to DecodedImage.raw at packing time */
  raw: RawSamples;
  metadata: PackageMetadata;
  /** the display pixels, equal to DecodedImage.image at packing time */
  image: RgbImage;
}

/**
 * An opened package: one frame decoded (the one shown first, unless asked for
 * another), and which frames of its file the package holds. The GCM tag covers
 * all of them, so every frame is authentic; each frame's samples are decoded and
 * checked against their SHA-256 when that frame is asked for.
 */
export interface UnpackedPackage extends UnpackedImage {
  /** the file's frame number of each frame in the package, in package order (rising) */
  frameNumbers: number[];
  /** position (in frameNumbers) of the frame to show first: the one on screen when it was packed */
  shown: number;
  /** position of the frame decoded here */
  position: number;
}

/** More frames than any modality stores in one object (DICOM allows 2^31; enough to refuse nonsense). */
export const MAX_PACKAGE_FRAMES = 10_000;

/** Bytes before the first frame's content in a one-frame list: count, shown, its length. */
export const ONE_FRAME_LIST_PREFIX = 12;

/** The frame list: u32 frame count | u32 shown frame | (u32 length | frame content) * count. */
export function writeFrames(contents: Uint8Array[], shown: number): Uint8Array {
  if (contents.length < 1 || contents.length > MAX_PACKAGE_FRAMES)
    throw new Error(`a package holds 1 to ${MAX_PACKAGE_FRAMES} frames, not ${contents.length}`);
  if (!(shown >= 0 && shown < contents.length))
    throw new Error(`shown frame ${shown} is not one of the ${contents.length}`);
  const out = new Uint8Array(8 + contents.reduce((sum, c) => sum + 4 + c.length, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, contents.length, true);
  view.setUint32(4, shown, true);
  let at = 8;
  for (const c of contents) {
    view.setUint32(at, c.length, true);
    out.set(c, (at += 4));
    at += c.length;
  }
  return out;
}

/** Reads the frame list; refuses a count or length that does not add up exactly. */
export function readFrames(bytes: Uint8Array): { contents: Uint8Array[]; shown: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw new Error('package content is truncated');
  const count = view.getUint32(0, true);
  const shown = view.getUint32(4, true);
  if (count < 1 || count > MAX_PACKAGE_FRAMES || shown >= count) throw new Error('package frame list is damaged');
  const contents: Uint8Array[] = [];
  let at = 8;
  for (let k = 0; k < count; k++) {
    if (at + 4 > bytes.length) throw new Error('package content is truncated');
    const length = view.getUint32(at, true);
    at += 4;
    if (at + length > bytes.length) throw new Error('package content is truncated');
    contents.push(bytes.subarray(at, at + length));
    at += length;
  }
  if (at !== bytes.length) throw new Error('package content has trailing bytes');
  return { contents, shown };
}

/**
 * Opens a version-3 content: checks the frame list against every frame's
 * metadata first (frames of one file, rising, none twice), then decodes the
 * frame asked for (default: the one to show first) as unpackContent does.
 */
export async function unpackFrames(
  plaintext: Uint8Array,
  options: FrameChoice & { verifyChecksum: boolean },
): Promise<UnpackedPackage> {
  const { contents, shown } = readFrames(plaintext);
  return openFrameList(contents, shown, options);
}

/** Which frame to decode: by position in the package, or by the file's frame number; default the one to show first. */
export interface FrameChoice {
  position?: number;
  frame?: number;
}

/**
 * The frame list's contents, checked and one of them decoded. Versions 1 and 2
 * (and the CBC comparison file) are a list of one: their single content.
 */
export async function openFrameList(
  contents: Uint8Array[],
  shown: number,
  options: FrameChoice & { verifyChecksum: boolean },
): Promise<UnpackedPackage> {
  const sources = contents.map((c) => parseMetadata(readPayloadMetadata(c)).source);
  const total = sources[0].frames;
  if (sources.some((s, k) => s.frames !== total || (k > 0 && s.frame <= sources[k - 1].frame)))
    throw new Error('package frames do not match their metadata');
  const frameNumbers = sources.map((s) => s.frame);
  if (options.frame !== undefined && !frameNumbers.includes(options.frame)) {
    throw new FrameNotInPackageError(
      `this package holds frame${frameNumbers.length === 1 ? '' : 's'} ${frameNumbers.join(', ')} of its file, not ${options.frame}`,
    );
  }
  const position = options.frame !== undefined ? frameNumbers.indexOf(options.frame) : (options.position ?? shown);
  if (!(Number.isInteger(position) && position >= 0 && position < contents.length))
    throw new Error(
      `the package holds ${contents.length} frame${contents.length === 1 ? '' : 's'}; there is no position ${position}`,
    );
  const frame = await unpackContent(contents[position], options);
  return { ...frame, frameNumbers, shown, position };
}

/** A frame number the package does not hold: the caller asked wrongly, the package is fine. */
export class FrameNotInPackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameNotInPackageError';
  }
}

export async function packContent(decoded: DecodedImage): Promise<PackedContent> {
  if (!decoded.raw) throw new Error('this image has no raw samples to archive');
  const raw = decoded.raw;
  const layout = layoutOf(raw);
  const codestreams: Uint8Array[] = [];
  for (const plane of planesOf(raw, layout)) codestreams.push(await encodeLossless(plane));
  const display = planDisplay(raw, decoded.image);
  const displaySegments: Uint8Array[] = [];
  if (display.lut) displaySegments.push(display.lut);
  if (display.recipe.kind === 'stored-image') {
    const { width, height, data } = decoded.image;
    displaySegments.push(
      await encodeLossless({ width, height, components: 3, bitsPerSample: 8, signed: false, bytes: data }),
    );
  }
  const metadata = buildMetadata(
    decoded,
    { ...layout, sha256: await sha256Hex(rawBytes(raw)) },
    display.recipe,
    codestreams.length,
  );
  const metadataJson = JSON.stringify(metadata);
  const plaintext = writePayload({ metadataJson, segments: [...codestreams, ...displaySegments] });
  return {
    plaintext,
    rawBytes: rawByteLength(layout),
    jpeg2000Bytes: codestreams.reduce((s, c) => s + c.length, 0),
    displayBytes: displaySegments.reduce((s, c) => s + c.length, 0),
    metadataBytes: new TextEncoder().encode(metadataJson).length,
  };
}

/** Parses, decodes and checks a decrypted payload. `verifyChecksum: false` only for the CBC comparison. */
export async function unpackContent(
  plaintext: Uint8Array,
  options: { verifyChecksum: boolean },
): Promise<UnpackedImage> {
  const { metadataJson, segments } = readPayload(plaintext);
  const metadata = parseMetadata(metadataJson);
  // Declared sizes first: every inflate and decode below is then bounded by sizes this app takes.
  checkImageSize(metadata.raw.width, metadata.raw.height);
  if (metadata.display.kind === 'stored-image') checkImageSize(metadata.display.width, metadata.display.height);
  const layout = metadata.raw;
  const shapes = planeShapes(layout);
  const displaySegments = metadata.display.kind === 'raw-is-display' ? 0 : 1;
  if (shapes.length !== metadata.codec.codestreams || segments.length !== shapes.length + displaySegments) {
    throw new Error('package content does not match its metadata');
  }
  const planes: Uint8Array[] = [];
  for (let i = 0; i < shapes.length; i++) planes.push(await decodeCodestream(segments[i], shapes[i]));
  const raw = rawFromPlanes(layout, planes);
  if (options.verifyChecksum && (await sha256Hex(rawBytes(raw))) !== layout.sha256) {
    throw new Error('decoded samples differ from the ones that were packed');
  }
  const extra = segments[shapes.length];
  let image: RgbImage;
  if (metadata.display.kind === 'stored-image') {
    const { width, height } = metadata.display;
    const stored = await decodeCodestream(extra, { width, height, components: 3, bitsPerSample: 8, signed: false });
    image = applyDisplay(metadata.display, raw, undefined, stored);
  } else image = applyDisplay(metadata.display, raw, extra);
  return { raw, metadata, image };
}
