import { describe, expect, it } from 'vitest';
import { encode as encodePng } from 'fast-png';
import { decodeImageFile } from '../../decode';
import type { DecodedImage } from '../../decode/types';
import { asBuffer } from '../../bytes/bytes';
import { deriveSubkey, generateKey, packageKeyCheck } from '../../keys/key';
import {
  MAX_PACKAGE_RAW_BYTES,
  packFramesDetailed,
  packImage,
  packImageDetailed,
  packageFootprint,
  PackageRefusedError,
  unpackImage,
  type UnpackedImage,
} from './index';
import { GCM_MAGIC, headerLength, writeHeader } from './format';
import { packContent, readFrames, writeFrames } from './content';
import { rawBytes } from './rawSamples';
import { syntheticDicom, syntheticRgb } from '../../../testing/packageImages';

async function roundTrip(decoded: DecodedImage) {
  const key = await generateKey();
  const pkg = await packImage(decoded, key);
  return { pkg, key, opened: await unpackImage(pkg, key) };
}

function expectSameImage(opened: UnpackedImage, decoded: DecodedImage) {
  expect(opened.image.width).toBe(decoded.image.width);
  expect(opened.image.height).toBe(decoded.image.height);
  expect(Buffer.from(opened.image.data).equals(Buffer.from(decoded.image.data))).toBe(true);
  expect(opened.raw.data.constructor).toBe(decoded.raw!.data.constructor);
  expect(Buffer.from(rawBytes(opened.raw)).equals(Buffer.from(rawBytes(decoded.raw!)))).toBe(true);
  expect({ ...opened.raw, data: null }).toEqual({ ...decoded.raw!, data: null });
}

describe('AES-GCM package round trip (lossless)', () => {
  it('restores a PNG bit for bit, through the real decoder', async () => {
    const src = syntheticRgb(37, 23, 3);
    const png = encodePng({ width: 37, height: 23, data: src.image.data, channels: 3, depth: 8 });
    const decoded = await decodeImageFile(png, 'synthetic.png');
    const { opened } = await roundTrip(decoded);
    expectSameImage(opened, decoded);
    expect(opened.metadata.display.kind).toBe('raw-is-display');
    expect(opened.metadata.source).toEqual({ format: 'png', width: 37, height: 23, frames: 1, frame: 0 });
  });

  it.each([
    ['16-bit signed gray (CT-like)', { width: 64, height: 48, bits: 16, signed: true }],
    ['16-bit unsigned gray (MR-like)', { width: 33, height: 17, bits: 16, signed: false }],
    ['8-bit unsigned gray', { width: 20, height: 20, bits: 8, signed: false }],
    ['8-bit signed gray', { width: 9, height: 31, bits: 8, signed: true }],
    ['MONOCHROME1 inversion', { width: 16, height: 16, bits: 16, signed: false, monochrome1: true }],
    ['16-bit RGB', { width: 12, height: 10, bits: 16, signed: false, samplesPerPixel: 3 }],
  ] as const)('restores %s samples and display pixels', async (_name, options) => {
    const decoded = syntheticDicom(options);
    const { opened } = await roundTrip(decoded);
    expectSameImage(opened, decoded);
    expect(opened.metadata.raw.bitsAllocated).toBe(options.bits);
  });

  it('restores 1-bit (one byte each) and 32-bit (little-endian bytes) samples', async () => {
    const w = 13;
    const h = 7;
    const bits1 = syntheticRgb(w, h, 4);
    const mask = new Uint8Array(w * h).map((_, i) => (i % 5 === 0 ? 1 : 0));
    const maskImage = new Uint8Array(w * h * 3).map((_, i) => mask[Math.floor(i / 3)] * 255);
    const oneBit: DecodedImage = {
      ...bits1,
      format: 'dicom',
      image: { width: w, height: h, data: maskImage },
      raw: { width: w, height: h, samplesPerPixel: 1, bitsAllocated: 1, signed: false, data: mask },
    };
    const a = await roundTrip(oneBit);
    expectSameImage(a.opened, oneBit);
    expect(a.opened.metadata.raw.bitsAllocated).toBe(1);
    const words = new Uint8Array(w * h * 4).map((_, i) => (i * 97 + (i >> 5)) & 0xff);
    const dose: DecodedImage = {
      ...bits1,
      format: 'dicom',
      raw: { width: w, height: h, samplesPerPixel: 1, bitsAllocated: 32, signed: false, data: words },
    };
    const b = await roundTrip(dose);
    expectSameImage(b.opened, dose);
    expect(b.opened.metadata.codec.codestreams).toBe(2);
  });

  it.each([
    [1, 1],
    [1, 7],
    [5, 2],
  ])('handles a tiny %ix%i image', async (w, h) => {
    const decoded = syntheticRgb(w, h, 11);
    const { opened } = await roundTrip(decoded);
    expectSameImage(opened, decoded);
  });

  it('uses a gray table for windowed gray images and stores the display when no per-value map exists', async () => {
    const gray = syntheticDicom({ width: 32, height: 32, bits: 16, signed: true });
    expect((await roundTrip(gray)).opened.metadata.display.kind).toBe('gray-lut');
    // A display that is not a function of the stored value (here: a spatial ramp added) cannot be tabulated.
    const odd = syntheticDicom({ width: 32, height: 32, bits: 16, signed: true });
    const data = odd.image.data.slice();
    for (let i = 0; i < data.length; i++) data[i] = (data[i] + Math.floor(i / 3)) & 0xff;
    const filtered: DecodedImage = { ...odd, image: { ...odd.image, data } };
    const { opened } = await roundTrip(filtered);
    expect(opened.metadata.display.kind).toBe('stored-image');
    expectSameImage(opened, filtered);
  });

  it('writes the documented header and a fresh IV each time', async () => {
    const key = await generateKey();
    const decoded = syntheticRgb(8, 8);
    const a = await packImage(decoded, key);
    const b = await packImage(decoded, key);
    expect(new TextDecoder().decode(a.subarray(0, 4))).toBe(GCM_MAGIC);
    expect(a[4]).toBe(3);
    expect(a[5]).toBe(1);
    expect(a[6] | (a[7] << 8)).toBe(headerLength('aes-256-gcm'));
    expect(Buffer.from(a.subarray(8, 16)).toString('hex')).toBe(await packageKeyCheck(key, a.subarray(16, 28)));
    expect(Buffer.from(a.subarray(16, 28)).equals(Buffer.from(b.subarray(16, 28)))).toBe(false);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it("carries a key-check value that differs per package and is not the key file's (packages of one key are not linkable by it)", async () => {
    const key = await generateKey();
    const checks = new Set<string>();
    for (let i = 0; i < 5; i++)
      checks.add(Buffer.from((await packImage(syntheticRgb(8, 8), key)).subarray(8, 16)).toString('hex'));
    expect(checks.size).toBe(5);
    expect(checks.has(key.check)).toBe(false);
  });

  it('still opens a version-1 package (fixed key-check value), and says "wrong key" for another key', async () => {
    const key = await generateKey();
    const decoded = syntheticRgb(6, 5, 3);
    // a version-1 writer: the same layout with the key file's check value, header as additional data
    const { plaintext } = await packContent(decoded);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const header = writeHeader({
      version: 1,
      cipher: 'aes-256-gcm',
      keyCheck: key.check,
      iv,
      plaintextLength: plaintext.length,
      ciphertextLength: plaintext.length + 16,
    });
    const aes = await crypto.subtle.importKey(
      'raw',
      asBuffer(await deriveSubkey(key, 'aesGcm')),
      { name: 'AES-GCM' },
      false,
      ['encrypt'],
    );
    const ciphertext = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: asBuffer(header), tagLength: 128 },
        aes,
        asBuffer(plaintext),
      ),
    );
    const v1 = new Uint8Array([...header, ...ciphertext]);
    expect(v1[4]).toBe(1);
    expectSameImage(await unpackImage(v1, key), decoded);
    await expect(unpackImage(v1, await generateKey())).rejects.toThrow(/wrong key/i);
    const v4 = v1.slice();
    v4[4] = 4;
    await expect(unpackImage(v4, key)).rejects.toThrow(/unknown format version 4/);
  });

  it('reports a footprint that adds up', async () => {
    const key = await generateKey();
    const decoded = syntheticDicom({ width: 64, height: 64, bits: 16, signed: true });
    const packed = await packImageDetailed(decoded, key);
    const fp = packageFootprint(10_000, packed);
    expect(fp.rawBytes).toBe(64 * 64 * 2);
    expect(fp.packageBytes).toBe(packed.pkg.length);
    // header + tag + frame list (count, shown, one length) + framing (4 length words) + metadata + segments
    expect(fp.packageBytes).toBe(
      headerLength('aes-256-gcm') + 16 + 3 * 4 + 4 * 4 + fp.metadataBytes + fp.jpeg2000Bytes + fp.displayBytes,
    );
    expect(packed.frames).toBe(1);
    expect(fp.jpeg2000Bytes).toBeLessThan(fp.rawBytes);
  });

  it('says "wrong key" for another key, and returns nothing', async () => {
    const decoded = syntheticRgb(8, 8);
    const pkg = await packImage(decoded, await generateKey());
    const err = await unpackImage(pkg, await generateKey()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackageRefusedError);
    expect((err as PackageRefusedError).reason).toBe('wrong-key');
    expect((err as Error).message).toMatch(/wrong key/i);
  });

  it('refuses a package whose key-check byte was changed to match another key (header is authenticated)', async () => {
    const right = await generateKey();
    const other = await generateKey();
    const pkg = await packImage(syntheticRgb(8, 8), right);
    const forged = pkg.slice();
    forged.set(Buffer.from(await packageKeyCheck(other, pkg.subarray(16, 28)), 'hex'), 8);
    await expect(unpackImage(forged, right)).rejects.toThrow(/wrong key/i);
    await expect(unpackImage(forged, other)).rejects.toThrow('This package was altered or the key is wrong');
  });

  it('refuses truncated, extended and empty packages', async () => {
    const key = await generateKey();
    const pkg = await packImage(syntheticRgb(8, 8), key);
    for (const bad of [
      pkg.subarray(0, pkg.length - 1),
      new Uint8Array([...pkg, 0]),
      new Uint8Array(0),
      pkg.subarray(0, 20),
    ]) {
      await expect(unpackImage(bad, key)).rejects.toBeInstanceOf(PackageRefusedError);
    }
  });

  it('still opens a version-2 package (one frame, no frame list)', async () => {
    const key = await generateKey();
    const decoded = syntheticDicom({ width: 20, height: 12, bits: 16, signed: true });
    const v2 = await packFramesDetailed({ count: 1, shown: 0, frame: async () => decoded }, key, 2);
    expect(v2.pkg[4]).toBe(2);
    const opened = await unpackImage(v2.pkg, key);
    expectSameImage(opened, decoded);
    expect([opened.frameNumbers, opened.shown, opened.position]).toEqual([[0], 0, 0]);
  });

  it('holds several frames, opens on the one marked shown, and says which is which', async () => {
    const key = await generateKey();
    const frames = [0, 1, 2].map((k) => {
      const d = syntheticDicom({ width: 16, height: 10, bits: 16, signed: false }, k + 1);
      return { ...d, frames: 3, frame: k };
    });
    const packed = await packFramesDetailed({ count: 3, shown: 2, frame: async (k) => frames[k] }, key);
    expect(packed.frames).toBe(3);
    expect(packed.rawBytes).toBe(3 * 16 * 10 * 2);
    const opened = await unpackImage(packed.pkg, key);
    expect([opened.frameNumbers, opened.shown, opened.position]).toEqual([[0, 1, 2], 2, 2]);
    expectSameImage(opened, frames[2]);
    // any other frame, on request
    for (const k of [0, 1]) {
      const other = await unpackImage(packed.pkg, key, { position: k });
      expect(other.position).toBe(k);
      expectSameImage(other, frames[k]);
    }
    await expect(unpackImage(packed.pkg, key, { position: 3 })).rejects.toThrow(/no position 3/);
  });

  it('positions in the package and frame numbers of the file stay apart (a package of frames 1 and 3 of 4)', async () => {
    const key = await generateKey();
    const frames = [1, 3].map((k) => ({
      ...syntheticDicom({ width: 8, height: 6, bits: 16, signed: false }, k + 1),
      frames: 4,
      frame: k,
    }));
    const packed = await packFramesDetailed({ count: 2, shown: 1, frame: async (k) => frames[k] }, key);
    const opened = await unpackImage(packed.pkg, key);
    expect([opened.frameNumbers, opened.shown, opened.metadata.source.frame]).toEqual([[1, 3], 1, 3]);
    expectSameImage(opened, frames[1]);
    expectSameImage(await unpackImage(packed.pkg, key, { position: 0 }), frames[0]);
  });

  it('refuses frames out of order or repeated, even when authentic', async () => {
    const key = await generateKey();
    const f = (k: number) => ({
      ...syntheticDicom({ width: 8, height: 8, bits: 16, signed: false }),
      frames: 3,
      frame: k,
    });
    const repeated = await packFramesDetailed({ count: 2, shown: 0, frame: async () => f(1) }, key);
    await expect(unpackImage(repeated.pkg, key)).rejects.toThrow(/frames do not match their metadata/);
    const backwards = await packFramesDetailed({ count: 2, shown: 0, frame: async (k) => f(2 - k) }, key);
    await expect(unpackImage(backwards.pkg, key)).rejects.toThrow(/frames do not match their metadata/);
    const twoFiles = await packFramesDetailed(
      { count: 2, shown: 0, frame: async (k) => ({ ...f(k), frames: 3 + k }) },
      key,
    );
    await expect(unpackImage(twoFiles.pkg, key)).rejects.toThrow(/frames do not match their metadata/);
    // a frame number outside its file's frames is refused with the metadata
    const outside = await packFramesDetailed(
      { count: 1, shown: 0, frame: async () => ({ ...f(0), frames: 2, frame: 2 }) },
      key,
    );
    await expect(unpackImage(outside.pkg, key)).rejects.toThrow(/metadata is incomplete/);
  });

  it('refuses to pack more samples than a package takes, before encoding any', async () => {
    const key = await generateKey();
    const big = syntheticDicom({ width: 512, height: 512, bits: 16, signed: false });
    let decoded = 0;
    const count = Math.ceil(MAX_PACKAGE_RAW_BYTES / (512 * 512 * 2)) + 1;
    const source = { count, shown: 0, frame: async () => (decoded++, { ...big, frames: count }) };
    await expect(packFramesDetailed(source, key)).rejects.toThrow(/more than a package takes/);
    expect(decoded).toBe(1);
  });

  it('reads a frame list only when it adds up exactly', () => {
    const list = writeFrames([new Uint8Array([1, 2]), new Uint8Array([3])], 1);
    expect(readFrames(list).shown).toBe(1);
    expect(readFrames(list).contents.map((c) => [...c])).toEqual([[1, 2], [3]]);
    expect(() => readFrames(list.subarray(0, list.length - 1))).toThrow(/truncated/);
    expect(() => readFrames(new Uint8Array([...list, 0]))).toThrow(/trailing/);
    const badShown = list.slice();
    badShown[4] = 2;
    expect(() => readFrames(badShown)).toThrow(/frame list is damaged/);
    expect(() => writeFrames([], 0)).toThrow();
  });
});
