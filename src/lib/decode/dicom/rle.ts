/**
 * DICOM RLE Lossless (PS3.5 Annex G), decoded by hand: a 64-byte header with the
 * number of segments and their offsets, then one PackBits segment per byte plane
 * (most significant byte of each sample first, one sample after another).
 * Must never write past a segment's plane or loop on damaged input: every run
 * is bounded by the output size and the input end.
 */
import { DecodeError } from '../errors';
import type { ImageAttributes } from './imageAttributes';
import { allocateSamples, type SampleArray } from './storedSamples';

export function decodeRleFrame(encoded: Uint8Array, a: ImageAttributes): SampleArray {
  if (encoded.length < 64) throw new DecodeError('damaged RLE data (header missing)');
  const header = new DataView(encoded.buffer, encoded.byteOffset, 64);
  const segmentCount = header.getUint32(0, true);
  const bytesPerSample = Math.max(1, a.bitsAllocated / 8);
  const expected = a.samplesPerPixel * bytesPerSample;
  if (a.bitsAllocated === 1 || segmentCount !== expected || segmentCount > 15) {
    throw new DecodeError(`damaged RLE data (${segmentCount} segments, expected ${expected})`);
  }
  const pixels = a.rows * a.columns;
  const planes: Uint8Array[] = [];
  for (let s = 0; s < segmentCount; s++) {
    const start = header.getUint32(4 + 4 * s, true);
    const end = s + 1 < segmentCount ? header.getUint32(8 + 4 * s, true) : encoded.length;
    if (start < 64 || start > encoded.length || end < start)
      throw new DecodeError('damaged RLE data (bad segment offset)');
    planes.push(unpackBitsSegment(encoded.subarray(start, Math.min(end, encoded.length)), pixels));
  }
  const samples = allocateSamples(a, pixels * a.samplesPerPixel);
  for (let sample = 0; sample < a.samplesPerPixel; sample++) {
    for (let i = 0; i < pixels; i++) {
      let value = 0;
      // Multiplication, not <<, so 32-bit samples stay positive before the typed array takes them.
      for (let b = 0; b < bytesPerSample; b++) value = value * 256 + planes[sample * bytesPerSample + b][i];
      samples[i * a.samplesPerPixel + sample] = value;
    }
  }
  return samples;
}

/** PackBits: n in 0..127 copies n+1 literal bytes, n in -127..-1 repeats the next byte 1-n times, -128 is a no-op. */
function unpackBitsSegment(segment: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let inPos = 0;
  let outPos = 0;
  while (outPos < length && inPos < segment.length) {
    const n = (segment[inPos++] << 24) >> 24;
    if (n >= 0) {
      const count = Math.min(n + 1, length - outPos, segment.length - inPos);
      out.set(segment.subarray(inPos, inPos + count), outPos);
      inPos += n + 1;
      outPos += count;
    } else if (n !== -128) {
      const count = Math.min(1 - n, length - outPos);
      if (inPos >= segment.length) break;
      out.fill(segment[inPos++], outPos, outPos + count);
      outPos += count;
    }
  }
  if (outPos < length) throw new DecodeError('damaged RLE data (segment ends early)');
  return out;
}
