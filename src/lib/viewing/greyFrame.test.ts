/**
 * The viewer's values come from the stored samples through the display pipeline's
 * own functions: windowed with the decoder's window they give back the decoder's
 * picture byte for byte, on real files (signed CT, MR with a file window, 32-bit
 * RT dose) and on synthetic ones (rescale with junk high bits, MONOCHROME1).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImageFile } from '../decode';
import { decodeDicom } from '../decode/dicom/decodeDicom';
import { encodeRgbPng } from '../image/png';
import { imagePixelModule, syntheticDicom } from '../../testing/syntheticDicom';
import { greyFrameOf } from './greyFrame';
import { renderWindowed } from './windowLevel';

const SAMPLES = resolve(process.cwd(), '../shared/dicom-samples');
const read = (file: string) => new Uint8Array(readFileSync(`${SAMPLES}/${file}`));
const u16 = (values: number[]) => new Uint8Array(new Uint16Array(values).buffer);

/** The red channel of RGBA, to compare with the decoder's R=G=B grey. */
function windowedGrey(decoded: Awaited<ReturnType<typeof decodeDicom>>): number[] {
  const frame = greyFrameOf(decoded)!;
  const out = new Uint8ClampedArray(frame.values.length * 4);
  renderWindowed(frame, decoded.dicom!.window!, out);
  return Array.from({ length: frame.values.length }, (_, i) => out[4 * i]);
}
const decoderGrey = (image: { data: Uint8Array }) =>
  Array.from({ length: image.data.length / 3 }, (_, i) => image.data[3 * i]);

describe('greyFrameOf', () => {
  it.each([
    ['CT_small.dcm', 0],
    ['MR_small.dcm', 0],
    ['rtdose.dcm', 7],
  ])('%s frame %i: windowed with the decoder window, the same bytes as the decoder', async (file, frame) => {
    const decoded = await decodeDicom(read(file), { frame });
    expect(decoded.modalityTransform).toBeDefined();
    expect(windowedGrey(decoded)).toEqual(decoderGrey(decoded.image));
  });

  it('reads rescaled values of signed 12-bit samples and ignores the junk high bits', async () => {
    const file = syntheticDicom([
      ...imagePixelModule({
        rows: 1,
        columns: 4,
        photometric: 'MONOCHROME2',
        bitsAllocated: 16,
        bitsStored: 12,
        signed: true,
        pixelData: u16([0x0fff, 0xf000 | 0x0010, 0x0800, 0x07ff]),
      }),
      { tag: [0x0028, 0x1052], vr: 'DS', value: '-100' },
      { tag: [0x0028, 0x1053], vr: 'DS', value: '2' },
    ]);
    const frame = greyFrameOf(await decodeDicom(file))!;
    expect(Array.from(frame.values)).toEqual([-102, -68, -4196, 3994]);
    expect([frame.min, frame.max]).toEqual([-4196, 3994]);
  });

  it('MONOCHROME1 renders inverted, as the decoder shows it', async () => {
    const decoded = await decodeDicom(
      syntheticDicom(
        imagePixelModule({
          rows: 2,
          columns: 2,
          photometric: 'MONOCHROME1',
          bitsAllocated: 8,
          bitsStored: 8,
          pixelData: new Uint8Array([0, 85, 170, 255]),
        }),
      ),
    );
    expect(greyFrameOf(decoded)!.invert).toBe(true);
    expect(windowedGrey(decoded)).toEqual([255, 170, 85, 0]);
  });

  it('a grey PNG is windowable (values 0..255); a colour DICOM and a colour PNG are not', async () => {
    const grey = await decodeImageFile(
      encodeRgbPng({ width: 2, height: 1, data: new Uint8Array([9, 9, 9, 200, 200, 200]) }),
    );
    expect(Array.from(greyFrameOf(grey)!.values)).toEqual([9, 200]);
    const colour = await decodeImageFile(encodeRgbPng({ width: 1, height: 1, data: new Uint8Array([1, 2, 3]) }));
    expect(greyFrameOf(colour)).toBeUndefined();
    const rgbDicom = await decodeDicom(read('SC_rgb_rle_2frame.dcm'));
    expect(rgbDicom.modalityTransform).toBeUndefined();
    expect(greyFrameOf(rgbDicom)).toBeUndefined();
  });
});
