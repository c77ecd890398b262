/**
 * JPEG lossless process 14 (transfer syntaxes .57 and .70) with
 * jpeg-lossless-decoder-js, pure JavaScript, loaded on first use.
 * Must never be handed DCT (lossy) JPEG: that decoder would produce noise.
 */
import { DecodeError } from '../../errors';
import type { CodecOutput } from './wasmDecoders';

let decoderModule: Promise<typeof import('jpeg-lossless-decoder-js')> | undefined;

export async function decodeJpegLossless(encoded: Uint8Array, bitsAllocated: number): Promise<CodecOutput> {
  decoderModule ??= import('jpeg-lossless-decoder-js');
  const { Decoder } = await decoderModule;
  const decoder = new Decoder();
  const bytesPerSample = bitsAllocated <= 8 ? 1 : 2;
  let out: Uint8Array | Uint16Array;
  try {
    // The decoder reads from an ArrayBuffer; give it a private copy so offsets are exact.
    const copy = encoded.slice();
    out = decoder.decode(copy.buffer, 0, copy.length, bytesPerSample);
  } catch (err) {
    throw new DecodeError(`damaged JPEG Lossless data (${err instanceof Error ? err.message : String(err)})`);
  }
  return {
    width: decoder.xDim,
    height: decoder.yDim,
    bitsPerSample: bytesPerSample * 8,
    componentCount: decoder.numComp,
    isSigned: false,
    planar: false,
    bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
  };
}
