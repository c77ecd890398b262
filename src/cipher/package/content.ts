/**
 * What a package protects, before encryption: the raw samples of one frame as
 * lossless JPEG 2000, the recipe for its display pixels, and allow-listed
 * metadata. Shared by the AES-GCM package and the AES-CBC comparison.
 *
 * Must never: return samples whose SHA-256 differs from the one recorded at
 * packing time (unless the caller is the unauthenticated comparison mode, which
 * exists to show what happens without that check).
 */
import type { DecodedImage } from '../../decode/types';
import type { RgbImage } from '../../image/rgb';
import { sha256Hex } from '../../keys/bytes';
import { applyDisplay, planDisplay } from './display';
import { decodeCodestream, encodeLossless } from './jpeg2000';
import { buildMetadata, parseMetadata, type PackageMetadata } from './metadata';
import { readPayload, writePayload } from './payload';
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
    displaySegments.push(await encodeLossless({ width, height, components: 3, bitsPerSample: 8, signed: false, bytes: data }));
  }
  const metadata = buildMetadata(decoded, { ...layout, sha256: await sha256Hex(rawBytes(raw)) }, display.recipe, codestreams.length);
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
export async function unpackContent(plaintext: Uint8Array, options: { verifyChecksum: boolean }): Promise<UnpackedImage> {
  const { metadataJson, segments } = readPayload(plaintext);
  const metadata = parseMetadata(metadataJson);
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
