/**
 * JPEG baseline (libjpeg-turbo), JPEG-LS (CharLS) and JPEG 2000 (OpenJPEG) through
 * the cornerstone WebAssembly builds, which share one decoder API: copy the
 * compressed bytes into wasm memory, decode, read the frame info, copy the pixels
 * out, free the decoder. Pixels are copied out before `delete()` because the view
 * into wasm memory dies with it. Must never keep a decoder alive between frames.
 */
import { DecodeError } from '../../errors';
import { loadCodecModule, type CodecName } from './wasmLoader';

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getInterleaveMode?(): number;
  getNearLossless?(): number;
  delete(): void;
}

type DecoderModule = Record<string, new () => WasmDecoder>;

/** Pixels straight out of a codec: little-endian bytes, 1 or 2 per sample. */
export interface CodecOutput {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  /** true when components come one plane after another (JPEG-LS interleave mode 0) */
  planar: boolean;
  bytes: Uint8Array;
}

const DECODER_CLASS: Record<CodecName, string> = {
  openjpeg: 'J2KDecoder',
  openjpegFull: 'J2KDecoder',
  charls: 'JpegLSDecoder',
  libjpegTurbo8bit: 'JPEGDecoder',
};

export async function decodeWithWasmCodec(codec: CodecName, encoded: Uint8Array, label: string): Promise<CodecOutput> {
  const module = await loadCodecModule<DecoderModule>(codec);
  const Decoder = module[DECODER_CLASS[codec]];
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    try {
      decoder.decode();
    } catch (err) {
      const detail = describeWasmError(module, err);
      throw new DecodeError(detail ? `damaged ${label} data (${detail})` : `damaged ${label} data`);
    }
    const info = decoder.getFrameInfo();
    const planar = codec === 'charls' && info.componentCount > 1 && decoder.getInterleaveMode?.() === 0;
    if (codec === 'charls' && (decoder.getNearLossless?.() ?? 0) > 0) {
      // A lossless transfer syntax carrying a near-lossless stream: the samples are not the originals.
      throw new DecodeError('unsupported compression (JPEG-LS Near-lossless)');
    }
    return {
      width: info.width,
      height: info.height,
      bitsPerSample: info.bitsPerSample,
      componentCount: info.componentCount,
      isSigned: !!info.isSigned,
      planar,
      bytes: decoder.getDecodedBuffer().slice(),
    };
  } finally {
    decoder.delete();
  }
}

/**
 * Emscripten throws C++ exceptions as numbers (pointers into wasm memory); turn them
 * into text where the module can, else say nothing rather than show a pointer.
 */
function describeWasmError(module: unknown, err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  const m = module as { getExceptionMessage?: (e: unknown) => unknown };
  if (typeof err === 'number' && typeof m.getExceptionMessage === 'function') {
    try {
      return String(m.getExceptionMessage(err));
    } catch {
      /* fall through */
    }
  }
  return '';
}
