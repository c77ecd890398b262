/**
 * Lossless JPEG 2000 (reversible 5/3 wavelet, OpenJPEG) for the raw stored samples
 * of one frame: one codestream per call, 8- or 16-bit, 1..4 interleaved samples.
 *
 * Must never: use the irreversible (lossy) path, or hand back a codestream it has
 * not decoded again and found bit-identical to its input.
 */
import type { OpenJpegFrameInfo } from '@cornerstonejs/codec-openjpeg/wasmjs';
import { lastCodecMessages, loadOpenJpeg } from './openjpegLoader';

export interface SamplePlane {
  width: number;
  height: number;
  /** interleaved samples per pixel in `bytes` */
  components: number;
  bitsPerSample: 8 | 16;
  signed: boolean;
  /** the samples as stored: 8-bit, or 16-bit little-endian */
  bytes: Uint8Array;
}

export class Jpeg2000Error extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Jpeg2000Error';
  }
}

/** OpenJPEG refuses more wavelet levels than the smaller side can halve into. */
function decompositionsFor(width: number, height: number): number {
  return Math.max(0, Math.min(5, Math.floor(Math.log2(Math.min(width, height)))));
}

function frameInfoOf(plane: SamplePlane): OpenJpegFrameInfo {
  return {
    width: plane.width,
    height: plane.height,
    bitsPerSample: plane.bitsPerSample,
    componentCount: plane.components,
    isSigned: plane.signed,
  };
}

function expectedBytes(plane: Omit<SamplePlane, 'bytes'>): number {
  return plane.width * plane.height * plane.components * (plane.bitsPerSample / 8);
}

/** Encodes losslessly and proves it by decoding again; returns the J2K codestream. */
export async function encodeLossless(plane: SamplePlane): Promise<Uint8Array> {
  if (plane.bitsPerSample === 16 && plane.components !== 1) {
    // The encoder build copies only the first component of >8-bit images.
    throw new Jpeg2000Error('16-bit samples must be encoded one component at a time');
  }
  if (plane.bytes.length !== expectedBytes(plane))
    throw new Jpeg2000Error(`sample buffer has ${plane.bytes.length} bytes, expected ${expectedBytes(plane)}`);
  const codec = await loadOpenJpeg();
  const encoder = new codec.J2KEncoder();
  let codestream: Uint8Array;
  try {
    encoder.getDecodedBuffer(frameInfoOf(plane)).set(plane.bytes);
    encoder.setDecompositions(decompositionsFor(plane.width, plane.height));
    // One quality layer at rate 0 = keep every bit plane (with the 5/3 wavelet: lossless).
    encoder.setQuality(true, 1);
    encoder.setCompressionRatio(0, 0);
    encoder.encode();
    // Copy out of WASM memory (the view dies with the encoder); Emscripten hands uint8 vectors over as Uint8ClampedArray.
    codestream = new Uint8Array(encoder.getEncodedBuffer());
  } catch (err) {
    throw new Jpeg2000Error(`JPEG 2000 encoding failed (${describe(err)})`);
  } finally {
    encoder.delete();
  }
  const back = await decodeCodestream(codestream, plane);
  if (!sameBytes(back, plane.bytes))
    throw new Jpeg2000Error('JPEG 2000 round trip was not bit-identical; refusing to archive');
  return codestream;
}

/**
 * What a codestream's SIZ marker segment (right after SOC, ISO 15444-1 A.5.1) declares,
 * read without decoding: OpenJPEG allocates for whatever size it declares.
 * Layout: SOC, SIZ, Lsiz, Rsiz, then u32 Xsiz Ysiz XOsiz YOsiz (tiles follow) at 8..20, u16 Csiz at 40, and
 * per component Ssiz (precision - 1, top bit: signed), XRsiz, YRsiz from 42.
 */
export function readCodestreamSize(codestream: Uint8Array): OpenJpegFrameInfo & { subsampled: boolean } {
  const view = new DataView(codestream.buffer, codestream.byteOffset, codestream.byteLength);
  if (codestream.length < 45 || view.getUint16(0) !== 0xff4f || view.getUint16(2) !== 0xff51)
    throw new Jpeg2000Error('JPEG 2000 codestream does not start with its size header');
  const components = view.getUint16(40);
  if (components < 1 || codestream.length < 42 + 3 * components || view.getUint16(4) !== 38 + 3 * components)
    throw new Jpeg2000Error('JPEG 2000 size header is damaged');
  const [x, y, x0, y0] = [8, 12, 16, 20].map((at) => view.getUint32(at));
  const precision = new Set<number>();
  let subsampled = false;
  for (let c = 0; c < components; c++) {
    precision.add(codestream[42 + 3 * c]);
    subsampled ||= codestream[43 + 3 * c] !== 1 || codestream[44 + 3 * c] !== 1;
  }
  // One Ssiz byte for all components, as the encoder writes; otherwise report a precision no frame has.
  const ssiz = precision.size === 1 ? [...precision][0] : 0xff;
  return {
    width: x > x0 ? x - x0 : 0,
    height: y > y0 ? y - y0 : 0,
    componentCount: components,
    bitsPerSample: (ssiz & 0x7f) + 1,
    isSigned: (ssiz & 0x80) !== 0,
    subsampled,
  };
}

/** Decodes a codestream and checks it has exactly the expected geometry and sample type. */
export async function decodeCodestream(
  codestream: Uint8Array,
  expected: Omit<SamplePlane, 'bytes'>,
): Promise<Uint8Array> {
  const want = frameInfoOf({ ...expected, bytes: new Uint8Array(0) });
  // The size it declares must be the expected one before OpenJPEG allocates anything for it.
  const declared = readCodestreamSize(codestream);
  if (declared.subsampled || !sameInfo(declared, want))
    throw new Jpeg2000Error(
      `JPEG 2000 codestream declares ${describeInfo(declared)}${declared.subsampled ? ' subsampled' : ''}, expected ${describeInfo(want)}`,
    );
  const codec = await loadOpenJpeg();
  const decoder = new codec.J2KDecoder();
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (!sameInfo(info, want)) {
      throw new Jpeg2000Error(`JPEG 2000 codestream is ${describeInfo(info)}, expected ${describeInfo(want)}`);
    }
    if (!decoder.getIsReversible()) throw new Jpeg2000Error('JPEG 2000 codestream is not reversible (lossy)');
    const out = new Uint8Array(decoder.getDecodedBuffer());
    if (out.length !== expectedBytes(expected))
      throw new Jpeg2000Error(`JPEG 2000 decoder returned ${out.length} bytes, expected ${expectedBytes(expected)}`);
    return out;
  } catch (err) {
    if (err instanceof Jpeg2000Error) throw err;
    // Emscripten throws C++ exceptions as bare numbers (pointers): only the codec's own log is words.
    const log = lastCodecMessages();
    throw new Jpeg2000Error(`JPEG 2000 codestream is damaged${log ? ` (${log})` : ''}`, { cause: err });
  } finally {
    decoder.delete();
  }
}

function sameInfo(a: OpenJpegFrameInfo, b: OpenJpegFrameInfo): boolean {
  return (
    a.width === b.width &&
    a.height === b.height &&
    a.componentCount === b.componentCount &&
    a.bitsPerSample === b.bitsPerSample &&
    a.isSigned === b.isSigned
  );
}

function describeInfo(i: OpenJpegFrameInfo): string {
  return `${i.width}x${i.height}x${i.componentCount} ${i.bitsPerSample}-bit ${i.isSigned ? 'signed' : 'unsigned'}`;
}

function describe(err: unknown): string {
  // Emscripten throws C++ exceptions as numbers (pointers); the codec's own log says more.
  const base = err instanceof Error ? err.message : String(err);
  const log = lastCodecMessages();
  return log ? `${base}; ${log}` : base;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
