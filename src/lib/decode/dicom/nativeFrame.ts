/**
 * Uncompressed pixel data: cuts one frame out of the Pixel Data element and turns
 * it into stored samples, handling big-endian words, planar configuration, 1-bit
 * packed masks and YBR_FULL_422 chroma subsampling. Must never read past the
 * element: a short element is a truncated file, said so.
 */
import { DecodeError } from '../errors';
import type { ImageAttributes } from './imageAttributes';
import { allocateSamples, interleavePlanes, type SampleArray } from './storedSamples';

export interface NativePixelData {
  /** the Pixel Data element's value bytes */
  bytes: Uint8Array;
  bigEndian: boolean;
  /** value representation of the element (OB/OW), matters for 8-bit big endian */
  vr?: string;
}

export function readNativeFrame(
  pixelData: NativePixelData,
  a: ImageAttributes,
  frameIndex: number,
): { samples: SampleArray; photometric: string } {
  const pixels = a.rows * a.columns;
  const count = pixels * a.samplesPerPixel;
  if (a.bitsAllocated === 1)
    return {
      samples: unpackBits(pixelData.bytes, frameIndex * count, count),
      photometric: a.photometricInterpretation,
    };
  if (a.photometricInterpretation === 'YBR_FULL_422')
    return { samples: expandYbr422(pixelData.bytes, a, frameIndex), photometric: 'YBR_FULL' };

  const bytesPerSample = a.bitsAllocated / 8;
  const frameBytes = count * bytesPerSample;
  const start = frameIndex * frameBytes;
  if (start + frameBytes > pixelData.bytes.length) throw new DecodeError('truncated file');
  let bytes = pixelData.bytes.subarray(start, start + frameBytes);
  // 8-bit samples in an OW element of a big-endian file are stored as swapped 16-bit words.
  if (pixelData.bigEndian && bytesPerSample === 1 && pixelData.vr === 'OW') bytes = swapPairs(bytes);
  const samples = allocateSamples(a, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = !pixelData.bigEndian;
  for (let i = 0; i < count; i++) {
    if (bytesPerSample === 1) samples[i] = bytes[i];
    else if (bytesPerSample === 2)
      samples[i] = samples instanceof Int16Array ? view.getInt16(2 * i, little) : view.getUint16(2 * i, little);
    else samples[i] = samples instanceof Int32Array ? view.getInt32(4 * i, little) : view.getUint32(4 * i, little);
  }
  return {
    samples: a.planarConfiguration === 1 ? interleavePlanes(samples, pixels, a.samplesPerPixel) : samples,
    photometric: a.photometricInterpretation,
  };
}

/** 1-bit data is packed little-bit-first across frame boundaries (frames need not start on a byte). */
function unpackBits(bytes: Uint8Array, firstBit: number, count: number): Uint8Array {
  if (Math.ceil((firstBit + count) / 8) > bytes.length) throw new DecodeError('truncated file');
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const bit = firstBit + i;
    out[i] = (bytes[bit >> 3] >> (bit & 7)) & 1;
  }
  return out;
}

/** YBR_FULL_422: each pair of pixels is stored Y1 Y2 Cb Cr; expand to full Y Cb Cr per pixel. */
function expandYbr422(bytes: Uint8Array, a: ImageAttributes, frameIndex: number): SampleArray {
  if (a.bitsAllocated !== 8) throw new DecodeError('unsupported colour model (YBR_FULL_422 above 8 bits)');
  const pairsPerRow = Math.ceil(a.columns / 2);
  const frameBytes = a.rows * pairsPerRow * 4;
  const start = frameIndex * frameBytes;
  if (start + frameBytes > bytes.length) throw new DecodeError('truncated file');
  const out = new Uint8Array(a.rows * a.columns * 3);
  for (let y = 0; y < a.rows; y++) {
    for (let p = 0; p < pairsPerRow; p++) {
      const src = start + (y * pairsPerRow + p) * 4;
      for (let k = 0; k < 2; k++) {
        const x = 2 * p + k;
        if (x >= a.columns) break;
        const dst = (y * a.columns + x) * 3;
        out[dst] = bytes[src + k];
        out[dst + 1] = bytes[src + 2];
        out[dst + 2] = bytes[src + 3];
      }
    }
  }
  return out;
}

function swapPairs(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out[i] = bytes[i + 1];
    out[i + 1] = bytes[i];
  }
  if (bytes.length % 2) out[bytes.length - 1] = bytes[bytes.length - 1];
  return out;
}
