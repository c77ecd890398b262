/**
 * What travels in a package from a DICOM file with an overlay in the unused high
 * bits of its samples: the stored bits only, the display unchanged.
 */
import { describe, expect, it } from 'vitest';
import { decodeDicom } from '../../decode/dicom/decodeDicom';
import { generateKey } from '../../keys/key';
import { imagePixelModule, syntheticDicom } from '../../../testing/syntheticDicom';
import { packImage, unpackImage } from './index';

describe('a package carries no bits outside the stored range', () => {
  it('drops an overlay drawn in bits 12-15 of 12-bit samples', async () => {
    const width = 16;
    const height = 16;
    const values = new Uint16Array(width * height);
    for (let i = 0; i < values.length; i++) values[i] = (i * 37) % 4096;
    const withOverlay = values.map((v, i) => (i % width === i >> 4 ? v | 0x1000 : v | (i % 3 === 0 ? 0xe000 : 0)));
    const file = (samples: Uint16Array) =>
      syntheticDicom(
        imagePixelModule({
          rows: height,
          columns: width,
          photometric: 'MONOCHROME2',
          bitsAllocated: 16,
          bitsStored: 12,
          pixelData: new Uint8Array(samples.buffer),
        }),
      );
    const key = await generateKey();
    const opened = await unpackImage(await packImage(await decodeDicom(file(withOverlay)), key), key);
    expect(Array.from(opened.raw.data)).toEqual(Array.from(values));
    expect(opened.image.data).toEqual((await decodeDicom(file(values))).image.data);
  });
});
