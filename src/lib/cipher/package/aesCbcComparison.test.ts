import { describe, expect, it } from 'vitest';
import { generateKey } from '../../keys/key';
import {
  demonstrateBitFlip,
  packCbcForComparison,
  packImage,
  PackageRefusedError,
  unpackCbcForComparison,
  unpackImage,
} from './index';
import { CBC_MAGIC, headerLength } from './format';
import { rawBytes } from './rawSamples';
import { syntheticDicom, syntheticRgb } from '../../../testing/packageImages';

describe('AES-CBC comparison mode (unauthenticated, comparison only)', () => {
  it('round-trips, under its own magic and sub-key', async () => {
    const key = await generateKey();
    const decoded = syntheticDicom({ width: 40, height: 30, bits: 16, signed: true });
    const cbc = await packCbcForComparison(decoded, key);
    expect(new TextDecoder().decode(cbc.subarray(0, 4))).toBe(CBC_MAGIC);
    const opened = await unpackCbcForComparison(cbc, key);
    expect(Buffer.from(rawBytes(opened.raw)).equals(Buffer.from(rawBytes(decoded.raw!)))).toBe(true);
    expect(Buffer.from(opened.image.data).equals(Buffer.from(decoded.image.data))).toBe(true);
    // The two containers cannot be confused for one another.
    await expect(unpackImage(cbc, key)).rejects.toBeInstanceOf(PackageRefusedError);
    await expect(unpackCbcForComparison(await packImage(decoded, key), key)).rejects.toBeInstanceOf(
      PackageRefusedError,
    );
  });

  it('accepts flipped ciphertext bits and hands back silently corrupted images', async () => {
    const key = await generateKey();
    const decoded = syntheticRgb(64, 64, 9);
    const cbc = await packCbcForComparison(decoded, key);
    const start = headerLength('aes-256-cbc-comparison-only');
    let corrupted = 0;
    // Bits well inside the ciphertext, away from the metadata and the padding block. CBC garbles one
    // random 16-byte block, so now and then the JPEG 2000 decoder trips over it; CBC itself never refuses.
    for (const position of [0.5, 0.6, 0.7, 0.8, 0.9]) {
      const flipped = cbc.slice();
      flipped[start + Math.floor((cbc.length - start) * position)] ^= 0x10;
      try {
        const opened = await unpackCbcForComparison(flipped, key);
        if (!Buffer.from(opened.image.data).equals(Buffer.from(decoded.image.data))) corrupted++;
      } catch (err) {
        expect(err).not.toBeInstanceOf(PackageRefusedError);
        expect((err as Error).message).toMatch(/JPEG 2000/);
      }
    }
    expect(corrupted).toBeGreaterThanOrEqual(3);
  });

  it('demonstrateBitFlip: GCM refuses, CBC accepts and corrupts', async () => {
    const key = await generateKey();
    const decoded = syntheticDicom({ width: 64, height: 64, bits: 16, signed: true });
    let silent = 0;
    for (const position of [0.5, 0.3, 0.7]) {
      const demo = await demonstrateBitFlip(decoded, key, { position });
      expect(demo.gcm).toBe('refused');
      expect(demo.gcmRefused).toBe(true);
      expect(demo.gcmMessage).toMatch(/^This package was altered or the key is wrong/);
      if (!demo.cbcAccepted) {
        expect(demo.cbc).toMatch(/^accepted by AES-CBC without complaint/);
        continue;
      }
      expect(demo.cbcChangedRawBytes).toBeGreaterThan(0);
      expect(demo.cbc).toBe(
        `accepted: ${demo.cbcChangedRawBytes} bytes of the stored samples changed, image corrupted silently`,
      );
      expect(demo.cbcImage?.width).toBe(64);
      // pixels, not channel values: a changed grey pixel counts once
      let pixels = 0;
      for (let i = 0; i < 64 * 64; i++)
        if ([0, 1, 2].some((c) => demo.cbcImage!.data[3 * i + c] !== decoded.image.data[3 * i + c])) pixels++;
      expect(demo.cbcChangedPixels).toBe(pixels);
      silent++;
    }
    expect(silent).toBeGreaterThanOrEqual(2);
  });
});
