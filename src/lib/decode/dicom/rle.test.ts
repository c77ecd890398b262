/** RLE Lossless on hand-built segments: literal runs, repeat runs, 16-bit byte planes, damage. */
import { describe, expect, it } from 'vitest';
import type { ImageAttributes } from './imageAttributes';
import { decodeRleFrame } from './rle';

function rleFrame(segments: number[][]): Uint8Array {
  const header = new Uint8Array(64);
  const view = new DataView(header.buffer);
  view.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((s, i) => {
    view.setUint32(4 + 4 * i, offset, true);
    offset += s.length;
  });
  return new Uint8Array([...header, ...segments.flat()]);
}

const attrs = (over: Partial<ImageAttributes>): ImageAttributes => ({
  rows: 2,
  columns: 3,
  samplesPerPixel: 1,
  bitsAllocated: 8,
  bitsStored: 8,
  highBit: 7,
  pixelRepresentation: 0,
  photometricInterpretation: 'MONOCHROME2',
  planarConfiguration: 0,
  frames: 1,
  framesMalformed: false,
  rescaleSlope: 1,
  rescaleIntercept: 0,
  ...over,
});

describe('RLE Lossless', () => {
  it('decodes literal and repeat runs', () => {
    // literal 2 bytes (n=1): 7, 8 ; repeat 4 times (n=-3): 9 ; -128 is a no-op
    const frame = rleFrame([[1, 7, 8, 0x80, 0xfd, 9]]);
    expect(Array.from(decodeRleFrame(frame, attrs({})))).toEqual([7, 8, 9, 9, 9, 9]);
  });

  it('joins 16-bit samples from high-byte then low-byte segments', () => {
    const frame = rleFrame([
      [0xfb, 0x12], // high bytes: 0x12 x6
      [5, 1, 2, 3, 4, 5, 6], // low bytes
    ]);
    const out = decodeRleFrame(frame, attrs({ bitsAllocated: 16, bitsStored: 16, highBit: 15 }));
    expect(Array.from(out)).toEqual([0x1201, 0x1202, 0x1203, 0x1204, 0x1205, 0x1206]);
  });

  it('refuses a segment that ends early or a wrong segment count', () => {
    expect(() => decodeRleFrame(rleFrame([[1, 7, 8]]), attrs({}))).toThrow(/damaged RLE data/);
    expect(() =>
      decodeRleFrame(
        rleFrame([
          [0xfb, 1],
          [0xfb, 2],
        ]),
        attrs({}),
      ),
    ).toThrow(/damaged RLE data/);
  });
});
