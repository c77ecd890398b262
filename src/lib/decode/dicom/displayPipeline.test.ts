/** The fixed pixel pipeline on hand-made samples, where the right answer is known. */
import { describe, expect, it } from 'vitest';
import { signExtend, toDisplayRgb } from './displayPipeline';
import type { ImageAttributes } from './imageAttributes';

const grey = (over: Partial<ImageAttributes>): ImageAttributes => ({
  rows: 1,
  columns: 4,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 12,
  highBit: 11,
  pixelRepresentation: 1,
  photometricInterpretation: 'MONOCHROME2',
  planarConfiguration: 0,
  frames: 1,
  framesMalformed: false,
  rescaleSlope: 1,
  rescaleIntercept: 0,
  ...over,
});

describe('display pipeline', () => {
  it("sign-extends 12-bit two's complement and ignores bits above HighBit", () => {
    const a = grey({});
    // 0x0FFF = -1, 0x0800 = -2048, 0xF7FF has junk in the top nibble and means 2047.
    expect(Array.from(signExtend(new Uint16Array([0x0fff, 0x0800, 0xf7ff, 5]), a))).toEqual([-1, -2048, 2047, 5]);
    expect(Array.from(signExtend(new Uint16Array([0x0fff]), grey({ pixelRepresentation: 0 })))).toEqual([4095]);
  });

  it('rescales, then applies the file window (DICOM linear function)', () => {
    const a = grey({
      bitsStored: 16,
      highBit: 15,
      rescaleSlope: 2,
      rescaleIntercept: -1000,
      window: { center: 0, width: 200 },
    });
    // stored 400 -> -200 (below window), 500 -> 0 (centre), 560 -> 120 (above), 450 -> -100 (lower edge)
    const { image, window } = toDisplayRgb(new Int16Array([400, 500, 560, 450]), a, 'MONOCHROME2');
    const g = [0, 1, 2, 3].map((i) => image.data[3 * i]);
    expect(g[0]).toBe(0);
    expect(g[1]).toBe(Math.round(((0 - (0 - 0.5)) / 199 + 0.5) * 255));
    expect(g[2]).toBe(255);
    expect(g[3]).toBe(0);
    expect(window).toEqual({ center: 0, width: 200, source: 'file' });
  });

  it('computes a window from min/max when the file has none, and inverts MONOCHROME1', () => {
    const a = grey({ bitsStored: 16, highBit: 15, pixelRepresentation: 0 });
    const samples = new Uint16Array([100, 200, 300, 400]);
    const mono2 = toDisplayRgb(samples, a, 'MONOCHROME2');
    expect([0, 1, 2, 3].map((i) => mono2.image.data[3 * i])).toEqual([0, 85, 170, 255]);
    expect(mono2.window?.source).toBe('computed');
    const mono1 = toDisplayRgb(samples, { ...a, photometricInterpretation: 'MONOCHROME1' }, 'MONOCHROME1');
    expect([0, 1, 2, 3].map((i) => mono1.image.data[3 * i])).toEqual([255, 170, 85, 0]);
  });

  it('converts YBR_FULL to RGB and leaves RGB alone', () => {
    const a = grey({
      columns: 2,
      samplesPerPixel: 3,
      bitsAllocated: 8,
      bitsStored: 8,
      highBit: 7,
      pixelRepresentation: 0,
      photometricInterpretation: 'YBR_FULL',
    });
    // pure red in full-range YCbCr: Y=76, Cb=85, Cr=255
    const ybr = toDisplayRgb(new Uint8Array([76, 85, 255, 128, 128, 128]), a, 'YBR_FULL');
    expect(Array.from(ybr.image.data)).toEqual([254, 0, 0, 128, 128, 128]);
    expect(ybr.window).toBeUndefined();
    const rgb = toDisplayRgb(new Uint8Array([1, 2, 3, 4, 5, 6]), { ...a, photometricInterpretation: 'RGB' }, 'RGB');
    expect(Array.from(rgb.image.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
