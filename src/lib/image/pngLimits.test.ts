/** Issue 19: PNG decompression bombs are refused after inflating no more than the header allows. */
import { encode as encodePng } from 'fast-png';
import { Zlib } from 'fflate';
import { describe, expect, it } from 'vitest';
import { boundedInflate, InflateLimitError } from '../bytes/boundedInflate';
import { decodeImageFile, DecodeError } from '../decode';
import { decodeRgbPng } from './png';
import { inflatedImageBytes, PngRefusedError, readBoundedPng } from './pngLimits';

const MiB = 2 ** 20;

const bombs = new Map<number, Uint8Array>();
/** zlib data of `bytes` zeros, made a MiB at a time (about 1000:1, as a bomb would be). */
function zeroBomb(bytes: number): Uint8Array {
  if (!bombs.has(bytes)) bombs.set(bytes, makeBomb(bytes));
  return bombs.get(bytes)!;
}

function makeBomb(bytes: number): Uint8Array {
  const out: Uint8Array[] = [];
  const z = new Zlib({ level: 1 }, (chunk) => out.push(chunk));
  const zeros = new Uint8Array(MiB);
  for (let done = 0; done < bytes; done += MiB) z.push(zeros, done + MiB >= bytes);
  return concat(out);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  let crc = 0xffffffff;
  for (const b of out.subarray(4, 8 + data.length)) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  view.setUint32(8 + data.length, (crc ^ 0xffffffff) >>> 0);
  return out;
}

/** The chunks of a PNG (signature dropped), so a test can splice in its own. */
function chunksOf(png: Uint8Array): Uint8Array[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 8; at < png.length; at += 12 + view.getUint32(at))
    out.push(png.subarray(at, at + 12 + view.getUint32(at)));
  return out;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const small = () =>
  encodePng({ width: 200, height: 200, data: new Uint8Array(200 * 200 * 3).fill(90), channels: 3, depth: 8 });

/** 200 × 200 RGB declared, image data inflating to `bytes`. */
function idatBomb(bytes: number): Uint8Array {
  const [ihdr] = chunksOf(small());
  return concat([SIGNATURE, ihdr, chunk('IDAT', zeroBomb(bytes)), chunk('IEND', new Uint8Array(0))]);
}

/** A valid 200 × 200 PNG with a colour profile inflating to `bytes`. */
function iccpBomb(bytes: number): Uint8Array {
  const [ihdr, ...rest] = chunksOf(small());
  const profile = concat([new TextEncoder().encode('icc'), Uint8Array.of(0, 0), zeroBomb(bytes)]);
  return concat([SIGNATURE, ihdr, chunk('iCCP', profile), ...rest]);
}

describe('PNG decompression bombs', () => {
  it('refuses image data that inflates past what its header declares, in every PNG reader', async () => {
    const bomb = idatBomb(16 * MiB);
    expect(bomb.length).toBeLessThan(100_000);
    await expect(decodeImageFile(bomb, 'bomb.png')).rejects.toThrow(DecodeError);
    await expect(decodeImageFile(bomb, 'bomb.png')).rejects.toThrow(/image data is larger than its header says/);
    expect(() => decodeRgbPng(bomb)).toThrow(PngRefusedError);
  });

  it('refuses a colour profile that inflates past a small cap', async () => {
    const bomb = iccpBomb(16 * MiB);
    await expect(decodeImageFile(bomb, 'icc.png')).rejects.toThrow(/colour profile inflates past 1 MiB/);
    expect(() => decodeRgbPng(bomb)).toThrow(/colour profile/);
    // a profile of a real size is left alone (and left out of what fast-png inflates)
    const fine = await decodeImageFile(iccpBomb(100_000), 'icc.png');
    expect(fine.image.data[0]).toBe(90);
  });

  it('stops inflating one small step past the limit, not at the end of the stream', () => {
    const bomb = zeroBomb(16 * MiB);
    let stopped: InflateLimitError | undefined;
    try {
      boundedInflate(bomb, { limit: 120_200, format: 'zlib', keep: false });
    } catch (err) {
      stopped = err as InflateLimitError;
    }
    expect(stopped).toBeInstanceOf(InflateLimitError);
    expect(stopped!.reached).toBeLessThan(120_200 + 5 * MiB);
  });

  it('refuses image data that ends before the header says, and reads a file cut after it', async () => {
    const [ihdr, idat] = chunksOf(small());
    const data = idat.subarray(8, idat.length - 4);
    const short = concat([SIGNATURE, ihdr, chunk('IDAT', data.subarray(0, data.length - 40))]);
    await expect(decodeImageFile(short, 's.png')).rejects.toThrow(/this PNG file is damaged/);
    const noEnd = concat([SIGNATURE, ihdr, idat]);
    expect((await decodeImageFile(noEnd, 'n.png')).image.data[0]).toBe(90);
  });

  it('knows the exact inflated size, interlaced or not', () => {
    const gray8 = { depth: 8, colourType: 0 };
    expect(inflatedImageBytes({ width: 8, height: 8, interlaced: false, ...gray8 })).toBe(72);
    // Adam7 passes of 8 × 8: 1×1, 1×1, 2×1, 2×2, 4×2, 4×4, 8×4, each row with a filter byte
    expect(inflatedImageBytes({ width: 8, height: 8, interlaced: true, ...gray8 })).toBe(79);
    expect(inflatedImageBytes({ width: 3, height: 1, interlaced: false, depth: 1, colourType: 0 })).toBe(2);
    expect(inflatedImageBytes({ width: 2, height: 2, interlaced: false, depth: 16, colourType: 6 })).toBe(34);
  });

  it('still reads ordinary PNGs: 16-bit, grey, palette-free RGBA', () => {
    const rgba16 = new Uint16Array(3 * 2 * 4).map((_, i) => i * 1000);
    const png = readBoundedPng(encodePng({ width: 3, height: 2, data: rgba16, channels: 4, depth: 16 }));
    expect(Array.from(png.data)).toEqual(Array.from(rgba16));
  });
});
