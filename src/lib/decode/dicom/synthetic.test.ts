/**
 * Whole-decoder tests on synthetic files for cases the sample set lacks:
 * MONOCHROME1 inversion, PALETTE COLOR (plain and segmented), signed 12-bit with
 * rescale and file window, Modality and VOI LUT sequences, multi-frame selection,
 * and refusals by name.
 */
import { describe, expect, it } from 'vitest';
import { decodeDicom } from './decodeDicom';
import { imagePixelModule, syntheticDicom, type SyntheticElement } from '../../../testing/syntheticDicom';

const grey = (image: { data: Uint8Array }) =>
  Array.from({ length: image.data.length / 3 }, (_, i) => image.data[3 * i]);
const u16 = (values: number[]) => new Uint8Array(new Uint16Array(values).buffer);

describe('synthetic DICOM through the whole decoder', () => {
  it('MONOCHROME1 is inverted after the computed window', async () => {
    const file = syntheticDicom(
      imagePixelModule({
        rows: 2,
        columns: 2,
        photometric: 'MONOCHROME1',
        bitsAllocated: 8,
        bitsStored: 8,
        pixelData: new Uint8Array([0, 85, 170, 255]),
      }),
    );
    const decoded = await decodeDicom(file);
    expect(grey(decoded.image)).toEqual([255, 170, 85, 0]);
    expect(decoded.dicom?.window).toEqual({ center: 128, width: 256, source: 'computed' });
  });

  it('signed 12-bit: sign extension, rescale, then the first window pair from the file', async () => {
    // stored 12-bit two's complement in 16-bit words, junk in the top nibble must be ignored
    const stored = [0x0fff, 0xf000 | 0x0010, 0x0800, 0x07ff]; // -1, 16, -2048, 2047
    const elements: SyntheticElement[] = [
      ...imagePixelModule({
        rows: 1,
        columns: 4,
        photometric: 'MONOCHROME2',
        bitsAllocated: 16,
        bitsStored: 12,
        signed: true,
        pixelData: u16(stored),
      }),
      { tag: [0x0028, 0x1052], vr: 'DS', value: '-100' },
      { tag: [0x0028, 0x1053], vr: 'DS', value: '2' },
      { tag: [0x0028, 0x1050], vr: 'DS', value: '0\\500' },
      { tag: [0x0028, 0x1051], vr: 'DS', value: '200\\1000' },
    ];
    const decoded = await decodeDicom(syntheticDicom(elements));
    // modality values: -102, -68, -4196, 3994 ; window 0/200 -> [-100.5, 98.5]
    const expected = [-102, -68, -4196, 3994].map((v) =>
      v <= -100.5 ? 0 : v > 98.5 ? 255 : Math.round(((v + 0.5) / 199 + 0.5) * 255),
    );
    expect(grey(decoded.image)).toEqual(expected);
    expect(decoded.dicom?.window).toEqual({ center: 0, width: 200, source: 'file' });
    // raw samples keep the stored bits only, sign-extended from High Bit: the junk nibble does not travel
    expect(Array.from(decoded.raw!.data)).toEqual([-1, 16, -2048, 2047]);
  });

  it('raw samples drop an overlay stored in unused high bits, and bits below a raised stored range', async () => {
    // unsigned 12-bit in bits 0-11, an "overlay" in bits 12-15 of some pixels
    const low = await decodeDicom(
      syntheticDicom(
        imagePixelModule({
          rows: 1,
          columns: 4,
          photometric: 'MONOCHROME2',
          bitsAllocated: 16,
          bitsStored: 12,
          pixelData: u16([0xf000 | 5, 0x1000 | 0x0fff, 0x8000, 0x0123]),
        }),
      ),
    );
    expect(Array.from(low.raw!.data)).toEqual([5, 0x0fff, 0, 0x0123]);
    // the display already ignored those bits; it is unchanged
    expect(grey(low.image)).toEqual(
      grey(
        (
          await decodeDicom(
            syntheticDicom(
              imagePixelModule({
                rows: 1,
                columns: 4,
                photometric: 'MONOCHROME2',
                bitsAllocated: 16,
                bitsStored: 12,
                pixelData: u16([5, 0x0fff, 0, 0x0123]),
              }),
            ),
          )
        ).image,
      ),
    );
    // signed 10-bit with High Bit 13: bits 4-13 stored, bits 0-3 and 14-15 cleared, sign from bit 13
    const placed = imagePixelModule({
      rows: 1,
      columns: 3,
      photometric: 'MONOCHROME2',
      bitsAllocated: 16,
      bitsStored: 10,
      signed: true,
      pixelData: u16([0xc000 | (0x3ff << 4) | 0xf, (0x001 << 4) | 0x3, 0x8000 | (0x200 << 4)]),
    }).map((e) => (e.tag[0] === 0x0028 && e.tag[1] === 0x0102 ? { ...e, value: [13] } : e));
    const mid = await decodeDicom(syntheticDicom(placed));
    expect(Array.from(mid.raw!.data)).toEqual([-1 * 16, 1 * 16, -512 * 16]);
    // 8-bit signed, 6 bits stored: two's complement of the 6-bit value in the byte
    const small = await decodeDicom(
      syntheticDicom(
        imagePixelModule({
          rows: 1,
          columns: 3,
          photometric: 'MONOCHROME2',
          bitsAllocated: 8,
          bitsStored: 6,
          signed: true,
          pixelData: new Uint8Array([0xc0 | 0x3f, 0x40 | 0x01, 0x80 | 0x20]),
        }),
      ),
    );
    expect(Array.from(small.raw!.data)).toEqual([0xff, 0x01, 0xe0]);
  });

  it('PALETTE COLOR looks each value up in the red, green and blue tables', async () => {
    const table = (entries: number[]) => u16(entries.map((v) => v * 257)); // 16-bit entries
    const elements: SyntheticElement[] = [
      ...imagePixelModule({
        rows: 1,
        columns: 4,
        photometric: 'PALETTE COLOR',
        bitsAllocated: 8,
        bitsStored: 8,
        pixelData: new Uint8Array([10, 11, 12, 200]),
      }),
      { tag: [0x0028, 0x1101], vr: 'US', value: [3, 10, 16] },
      { tag: [0x0028, 0x1102], vr: 'US', value: [3, 10, 16] },
      { tag: [0x0028, 0x1103], vr: 'US', value: [3, 10, 16] },
      { tag: [0x0028, 0x1201], vr: 'OW', value: table([255, 0, 0]) },
      { tag: [0x0028, 0x1202], vr: 'OW', value: table([0, 255, 0]) },
      { tag: [0x0028, 0x1203], vr: 'OW', value: table([0, 0, 255]) },
    ];
    const decoded = await decodeDicom(syntheticDicom(elements));
    // 200 is past the table: it takes the last entry
    expect(Array.from(decoded.image.data)).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255]);
    expect(decoded.dicom?.window).toBeUndefined();
  });

  it('Modality LUT then VOI LUT from the file (the window wins when the file has both)', async () => {
    const lutItem = (descriptor: number[], entries: number[], descriptorVr = 'US'): SyntheticElement[] => [
      { tag: [0x0028, 0x3002], vr: descriptorVr, value: descriptor },
      { tag: [0x0028, 0x3006], vr: 'OW', value: u16(entries) },
    ];
    const pixels = imagePixelModule({
      rows: 1,
      columns: 5,
      photometric: 'MONOCHROME2',
      bitsAllocated: 16,
      bitsStored: 16,
      pixelData: u16([0, 1, 2, 3, 100]),
    });
    // modality LUT: stored 1, 2, 3 -> 10, 20, 30; 0 is below the table, 100 past it
    const modality: SyntheticElement = { tag: [0x0028, 0x3000], vr: 'SQ', value: [lutItem([3, 1, 16], [10, 20, 30])] };
    // VOI LUT over 10..30, 12-bit output rising by 200 per step
    const voi: SyntheticElement = {
      tag: [0x0028, 0x3010],
      vr: 'SQ',
      value: [
        lutItem(
          [21, 10, 12],
          Array.from({ length: 21 }, (_, k) => 200 * k),
        ),
      ],
    };
    const decoded = await decodeDicom(
      syntheticDicom([...pixels, modality, voi, { tag: [0x0028, 0x1052], vr: 'DS', value: '-5000' }]),
    );
    // modality values 10, 10, 20, 30, 30 (the rescale is ignored) -> VOI 0, 0, 2000, 4000, 4000 of 4095
    expect(grey(decoded.image)).toEqual([0, 0, 125, 249, 249]);
    expect(decoded.dicom?.window).toBeUndefined();
    expect(decoded.dicom?.lookupTables).toEqual({ modality: { entries: 3, bits: 16 }, voi: { entries: 21, bits: 12 } });

    const withWindow = await decodeDicom(
      syntheticDicom([
        ...pixels,
        modality,
        voi,
        { tag: [0x0028, 0x1050], vr: 'DS', value: '20.5' },
        { tag: [0x0028, 0x1051], vr: 'DS', value: '21' },
      ]),
    );
    expect(grey(withWindow.image)).toEqual([0, 0, 128, 255, 255]);
    expect(withWindow.dicom?.window).toEqual({ center: 20.5, width: 21, source: 'file' });
    expect(withWindow.dicom?.lookupTables).toEqual({ modality: { entries: 3, bits: 16 } });

    // a VOI LUT whose first mapped value is negative (CT: rescale intercept -1024), written as US
    const ct = imagePixelModule({
      rows: 1,
      columns: 3,
      photometric: 'MONOCHROME2',
      bitsAllocated: 16,
      bitsStored: 16,
      pixelData: u16([0, 1, 1025]),
    });
    const ctVoi: SyntheticElement = {
      tag: [0x0028, 0x3010],
      vr: 'SQ',
      value: [lutItem([3, 0x10000 - 1024, 8], [0, 128, 255])],
    };
    const ctDecoded = await decodeDicom(
      syntheticDicom([...ct, ctVoi, { tag: [0x0028, 0x1052], vr: 'DS', value: '-1024' }]),
    );
    expect(grey(ctDecoded.image)).toEqual([0, 128, 255]);

    // damaged: a LUT item without its data
    const broken: SyntheticElement = {
      tag: [0x0028, 0x3010],
      vr: 'SQ',
      value: [[{ tag: [0x0028, 0x3002], vr: 'US', value: [3, 0, 8] }]],
    };
    await expect(decodeDicom(syntheticDicom([...pixels, broken]))).rejects.toThrow(
      'damaged DICOM file (VOI lookup table without its descriptor or data)',
    );
  });

  it('offers every window, every VOI LUT and the full range to choose from; the default is the first window', async () => {
    const lutItem = (entries: number[], explanation?: string): SyntheticElement[] => [
      { tag: [0x0028, 0x3002], vr: 'US', value: [entries.length, 0, 8] },
      { tag: [0x0028, 0x3006], vr: 'OW', value: u16(entries) },
      ...(explanation ? [{ tag: [0x0028, 0x3003] as [number, number], vr: 'LO', value: explanation }] : []),
    ];
    const elements: SyntheticElement[] = [
      ...imagePixelModule({
        rows: 1,
        columns: 3,
        photometric: 'MONOCHROME2',
        bitsAllocated: 8,
        bitsStored: 8,
        pixelData: new Uint8Array([0, 1, 2]),
      }),
      // two windows, the second one unusable (width 0) and skipped, the third explained
      { tag: [0x0028, 0x1050], vr: 'DS', value: '1\\5\\2' },
      { tag: [0x0028, 0x1051], vr: 'DS', value: '3\\0\\2' },
      { tag: [0x0028, 0x1055], vr: 'LO', value: 'SOFT\\\\NARROW' },
      { tag: [0x0028, 0x3010], vr: 'SQ', value: [lutItem([255, 0, 128], 'REVERSED'), lutItem([10, 20, 30])] },
    ];
    const file = syntheticDicom(elements);
    const first = await decodeDicom(file);
    expect(first.dicom?.voiChoices).toEqual([
      'SOFT: window C 1 / W 3',
      'NARROW: window C 2 / W 2',
      'REVERSED: VOI lookup table 1',
      'VOI lookup table 2',
      'full range of the frame',
    ]);
    expect(first.dicom?.voi).toBe(0);
    // window 1/3 (DICOM linear): ((v - 0.5) / 2 + 0.5) * 255 -> 0: 64, 1: 191, 2: 255 (clipped)
    expect(grey(first.image)).toEqual([64, 191, 255]);
    const narrow = await decodeDicom(file, { voi: 1 });
    expect(narrow.dicom?.window).toEqual({ center: 2, width: 2, source: 'file' });
    expect(grey(narrow.image)).toEqual([0, 0, 255]);
    const reversed = await decodeDicom(file, { voi: 2 });
    expect(grey(reversed.image)).toEqual([255, 0, 128]);
    expect(reversed.dicom?.window).toBeUndefined();
    expect(reversed.dicom?.lookupTables).toEqual({ modality: undefined, voi: { entries: 3, bits: 8 } });
    expect(grey((await decodeDicom(file, { voi: 3 })).image)).toEqual([10, 20, 30]);
    const range = await decodeDicom(file, { voi: 4 });
    expect(range.dicom?.window).toEqual({ center: 1.5, width: 3, source: 'computed' });
    expect(grey(range.image)).toEqual([0, 128, 255]);
    await expect(decodeDicom(file, { voi: 5 })).rejects.toThrow(
      'display choice 5 does not exist (this file offers 5, numbered from 0)',
    );
    await expect(decodeDicom(file, { voi: 5 })).rejects.not.toThrow(/SOFT|REVERSED/);
    // fewer explanations than windows: the rest are unlabelled, not an error
    const oneExplanation = elements.map((e) => (e.tag[1] === 0x1055 ? { ...e, value: 'SOFT' } : e));
    expect((await decodeDicom(syntheticDicom(oneExplanation))).dicom?.voiChoices?.slice(0, 2)).toEqual([
      'SOFT: window C 1 / W 3',
      'window C 2 / W 2',
    ]);
    // colour images have no grey mapping to choose
    const rgb = await decodeDicom(
      syntheticDicom(
        imagePixelModule({
          rows: 1,
          columns: 1,
          photometric: 'RGB',
          bitsAllocated: 8,
          bitsStored: 8,
          samplesPerPixel: 3,
          pixelData: new Uint8Array([1, 2, 3]),
        }),
      ),
    );
    expect(rgb.dicom?.voiChoices).toBeUndefined();
    await expect(
      decodeDicom(
        syntheticDicom(
          imagePixelModule({
            rows: 1,
            columns: 1,
            photometric: 'RGB',
            bitsAllocated: 8,
            bitsStored: 8,
            samplesPerPixel: 3,
            pixelData: new Uint8Array([1, 2, 3]),
          }),
        ),
        { voi: 1 },
      ),
    ).rejects.toThrow('no windows to choose from');
  });

  it('segmented PALETTE COLOR: discrete, linear and indirect segments expand to the plain table', async () => {
    // 0, 0x4000 | linear to 0xC000 in 4 steps | again segment 0 (at word 0) -> 8 entries
    const segmented = u16([0, 2, 0x0000, 0x4000, 1, 4, 0xc000, 2, 1, 0, 0]);
    const flat = u16(Array.from({ length: 8 }, () => 0x8000));
    const elements: SyntheticElement[] = [
      ...imagePixelModule({
        rows: 1,
        columns: 8,
        photometric: 'PALETTE COLOR',
        bitsAllocated: 8,
        bitsStored: 8,
        pixelData: new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]),
      }),
      { tag: [0x0028, 0x1101], vr: 'US', value: [8, 0, 16] },
      { tag: [0x0028, 0x1102], vr: 'US', value: [8, 0, 16] },
      { tag: [0x0028, 0x1103], vr: 'US', value: [8, 0, 16] },
      { tag: [0x0028, 0x1221], vr: 'OW', value: segmented },
      { tag: [0x0028, 0x1202], vr: 'OW', value: flat },
      { tag: [0x0028, 0x1203], vr: 'OW', value: flat },
    ];
    const decoded = await decodeDicom(syntheticDicom(elements));
    const red = Array.from({ length: 8 }, (_, i) => decoded.image.data[3 * i]);
    expect(red).toEqual([0, 0x40, 0x60, 0x80, 0xa0, 0xc0, 0, 0x40]);
    expect(decoded.image.data[1]).toBe(0x80);
    // a table that starts with a linear segment has nothing to interpolate from
    const bad = elements.map((e) => (e.tag[1] === 0x1221 ? { ...e, value: u16([1, 8, 0xffff]) } : e));
    await expect(decodeDicom(syntheticDicom(bad))).rejects.toThrow('starts with a linear segment');
  });

  it('picks the requested frame of a multi-frame file', async () => {
    const elements = [
      ...imagePixelModule({
        rows: 1,
        columns: 2,
        photometric: 'MONOCHROME2',
        bitsAllocated: 8,
        bitsStored: 8,
        pixelData: new Uint8Array([0, 255, 255, 0, 7, 7]),
      }),
      { tag: [0x0028, 0x0008], vr: 'IS', value: '3' } as SyntheticElement,
    ];
    const file = syntheticDicom(elements);
    expect(grey((await decodeDicom(file, { frame: 1 })).image)).toEqual([255, 0]);
    const last = await decodeDicom(file, { frame: 2 });
    expect(Array.from(last.raw!.data)).toEqual([7, 7]);
    expect(last.frames).toBe(3);
  });

  it('refuses by name: near-lossless JPEG-LS, missing pixel data, short pixel data', async () => {
    const pixels = imagePixelModule({
      rows: 2,
      columns: 2,
      photometric: 'MONOCHROME2',
      bitsAllocated: 8,
      bitsStored: 8,
      pixelData: new Uint8Array([1, 2, 3, 4]),
    });
    await expect(decodeDicom(syntheticDicom(pixels, '1.2.840.10008.1.2.4.81'))).rejects.toThrow(
      'unsupported compression (JPEG-LS Near-lossless)',
    );
    await expect(decodeDicom(syntheticDicom(pixels.slice(0, -1)))).rejects.toThrow('no pixel data');
    const short = imagePixelModule({
      rows: 4,
      columns: 4,
      photometric: 'MONOCHROME2',
      bitsAllocated: 8,
      bitsStored: 8,
      pixelData: new Uint8Array([1, 2, 3, 4]),
    });
    await expect(decodeDicom(syntheticDicom(short))).rejects.toThrow('truncated file');
  });
});
