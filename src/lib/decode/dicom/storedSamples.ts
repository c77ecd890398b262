/**
 * Stored samples of one frame, as numbers: interleaved (pixel by pixel, sample by
 * sample), host byte order, bit patterns exactly as stored (no sign extension, no
 * rescale). This is what the display pipeline reads; DecodedImage.raw carries
 * them for lossless archiving after storedBitsOnly has cleared the bits outside
 * Bits Stored / High Bit. Conversions here must be exact: no rounding, no
 * clamping.
 *
 * Must never: let bits outside the stored range (old-style overlays, junk) into
 * the samples that leave the app.
 */
import { DecodeError } from '../errors';
import type { CodecOutput } from './codecs/wasmDecoders';
import type { ImageAttributes } from './imageAttributes';

export type SampleArray = Uint8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** The array type that holds one sample of `bitsAllocated` bits (1-bit samples use one byte each). */
export function allocateSamples(
  a: Pick<ImageAttributes, 'bitsAllocated' | 'pixelRepresentation'>,
  count: number,
): SampleArray {
  const signed = a.pixelRepresentation === 1;
  if (a.bitsAllocated <= 8) return new Uint8Array(count);
  if (a.bitsAllocated <= 16) return signed ? new Int16Array(count) : new Uint16Array(count);
  return signed ? new Int32Array(count) : new Uint32Array(count);
}

/** Planar (RRR..GGG..BBB) to interleaved (RGBRGB..). */
export function interleavePlanes(planar: SampleArray, pixels: number, samplesPerPixel: number): SampleArray {
  const out = new (planar.constructor as { new (n: number): SampleArray })(planar.length);
  for (let s = 0; s < samplesPerPixel; s++) {
    const plane = s * pixels;
    for (let i = 0; i < pixels; i++) out[i * samplesPerPixel + s] = planar[plane + i];
  }
  return out;
}

/** Codec output (little-endian bytes, 1 or 2 per sample) to stored samples typed by the DICOM header. */
export function samplesFromCodec(out: CodecOutput, a: ImageAttributes): SampleArray {
  if (out.width !== a.columns || out.height !== a.rows) {
    throw new DecodeError(
      `compressed image size ${out.width}x${out.height} does not match the header (${a.columns}x${a.rows})`,
    );
  }
  if (out.componentCount !== a.samplesPerPixel) {
    throw new DecodeError(
      `compressed image has ${out.componentCount} colour components, header says ${a.samplesPerPixel}`,
    );
  }
  const count = a.rows * a.columns * a.samplesPerPixel;
  const bytesPerSample = out.bitsPerSample <= 8 ? 1 : 2;
  if (out.bytes.length < count * bytesPerSample)
    throw new DecodeError('compressed frame decoded to fewer pixels than the header says');
  const samples = allocateSamples(a, count);
  if (bytesPerSample === 1) {
    for (let i = 0; i < count; i++) samples[i] = out.bytes[i];
  } else {
    const view = new DataView(out.bytes.buffer, out.bytes.byteOffset, out.bytes.byteLength);
    // Codec sign and header sign can disagree (J2K_pixelrep_mismatch): keep the 16-bit pattern, the header decides later.
    for (let i = 0; i < count; i++)
      samples[i] = samples instanceof Int16Array ? view.getInt16(2 * i, true) : view.getUint16(2 * i, true);
  }
  return out.planar ? interleavePlanes(samples, a.rows * a.columns, a.samplesPerPixel) : samples;
}

/**
 * The samples with only their stored bits: bits above High Bit and below the
 * stored range cleared, signed samples sign-extended from High Bit, each kept at
 * its place in the word (so a 12-bit value stored in bits 4 to 15 stays there).
 * Unused high bits may hold an old-style overlay (burned-in text or marks, DICOM
 * PS3.5 8.1.2, retired) that the display never shows; without this they would
 * travel in packages and `unpack --raw`. Returns a new array; 1-bit samples and
 * samples that use their whole word are returned as they are.
 */
export function storedBitsOnly(
  samples: SampleArray,
  a: Pick<ImageAttributes, 'bitsAllocated' | 'bitsStored' | 'highBit' | 'pixelRepresentation'>,
): SampleArray {
  const word = a.bitsAllocated;
  if (word === 1) return samples;
  // A High Bit past the word or below Bits Stored (malformed) is read as the word's top / Bits Stored - 1.
  const top = Math.min(Math.max(a.highBit, a.bitsStored - 1), word - 1);
  const low = Math.max(0, top + 1 - a.bitsStored);
  const bits = top + 1 - low;
  if (bits === word) return samples;
  const range = 2 ** bits;
  const signed = a.pixelRepresentation === 1;
  const out = new (samples.constructor as { new (n: number): SampleArray })(samples.length);
  const wordRange = 2 ** Math.max(8, word);
  for (let i = 0; i < samples.length; i++) {
    let v = samples[i];
    // the unsigned pattern (typed arrays may hold it as negative)
    if (v < 0) v += wordRange;
    v = Math.floor(v / 2 ** low) % range;
    if (signed && v >= range / 2) v -= range;
    // signed values in an unsigned array (8-bit) wrap to their two's-complement pattern, as stored
    out[i] = v * 2 ** low;
  }
  return out;
}
