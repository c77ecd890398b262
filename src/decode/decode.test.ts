/** Front door: PNG and JPEG decode to RGB through decodeImageFile, sniffed by content, not name. */
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImageFile, sniffFormat } from './index';

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
});
