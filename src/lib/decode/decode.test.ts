/** Front door: PNG and JPEG decode to RGB through decodeImageFile, sniffed by content, not name. */
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'fflate';
import { decodeImageFile, sniffFormat } from './index';
import { inflateAfter } from './dicom/parseDataset';
import { syntheticDicom, imagePixelModule } from '../../testing/syntheticDicom';

describe('decodeImageFile for PNG and JPEG', () => {
  it('decodes an RGB PNG exactly and a grey PNG replicated to RGB', async () => {
    const rgb = new Uint8Array(4 * 3 * 3).map((_, i) => (i * 37) % 256);
    const png = encodePng({ width: 4, height: 3, data: rgb, channels: 3, depth: 8 });
    expect(sniffFormat(png)).toBe('png');
    const decoded = await decodeImageFile(png, 'card.dcm'); // a wrong extension must not matter
    expect(decoded.format).toBe('png');
    expect(Array.from(decoded.image.data)).toEqual(Array.from(rgb));

    const grey = new Uint8Array([0, 50, 100, 150, 200, 250]);
    const greyPng = encodePng({ width: 3, height: 2, data: grey, channels: 1, depth: 8 });
    const g = await decodeImageFile(greyPng);
    expect(Array.from(g.image.data.slice(0, 6))).toEqual([0, 0, 0, 50, 50, 50]);
    // windows are a DICOM thing: asking a PNG for one is an error, not silently ignored
    await expect(decodeImageFile(greyPng, 'g.png', { voi: 1 })).rejects.toThrow('no windows to choose from');
  });

  it('decodes a JPEG to its size with pixels near the original', async () => {
    const width = 16;
    const height = 8;
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) rgba.set([200, 40, 40, 255], 4 * i);
    const encoded = jpeg.encode({ width, height, data: rgba }, 95).data;
    const decoded = await decodeImageFile(new Uint8Array(encoded), 'red.jpg');
    expect(decoded.format).toBe('jpeg');
    expect([decoded.image.width, decoded.image.height]).toEqual([width, height]);
    expect(Math.abs(decoded.image.data[0] - 200)).toBeLessThan(6);
    expect(Math.abs(decoded.image.data[1] - 40)).toBeLessThan(6);
  });

  it('refuses an image that claims to be huge before decoding it: PNG, JPEG, DICOM, a deflate bomb', async () => {
    const png = encodePng({ width: 2, height: 2, data: new Uint8Array(12), channels: 3, depth: 8 });
    const view = new DataView(png.buffer, png.byteOffset);
    view.setUint32(16, 20000);
    view.setUint32(20, 20000);
    await expect(decodeImageFile(png, 'big.png')).rejects.toThrow(
      'image too large (20000 × 20000; this app takes up to 16384 pixels a side and 50 megapixels)',
    );

    const jpg = new Uint8Array(jpeg.encode({ width: 8, height: 8, data: new Uint8Array(256).fill(255) }, 90).data);
    // SOF0 (FFC0): length (2 bytes), precision (1), then height and width
    const sof = jpg.findIndex((b, i) => b === 0xff && jpg[i + 1] === 0xc0);
    new DataView(jpg.buffer, jpg.byteOffset).setUint16(sof + 5, 20000);
    new DataView(jpg.buffer, jpg.byteOffset).setUint16(sof + 7, 20000);
    await expect(decodeImageFile(jpg, 'big.jpg')).rejects.toThrow(/image too large \(over 50 megapixels/);

    const dicom = syntheticDicom(
      imagePixelModule({
        rows: 20000,
        columns: 20000,
        photometric: 'MONOCHROME2',
        bitsAllocated: 8,
        bitsStored: 8,
        pixelData: new Uint8Array(2),
      }),
    );
    await expect(decodeImageFile(dicom, 'big.dcm')).rejects.toThrow('image too large (20000 × 20000');

    // 4 MiB of zeros deflate to a few KB; with a 1 MiB budget the inflation stops there
    const zeros = deflateSync(new Uint8Array(4 * 2 ** 20));
    const file = new Uint8Array([1, 2, 3, ...zeros]);
    expect(() => inflateAfter(file, 3, 2 ** 20)).toThrow('deflated dataset too large (inflates past 1 MiB)');
    const whole = inflateAfter(file, 3, 8 * 2 ** 20);
    expect(whole.length).toBe(3 + 4 * 2 ** 20);
    expect(Array.from(whole.subarray(0, 4))).toEqual([1, 2, 3, 0]);
  });
});
