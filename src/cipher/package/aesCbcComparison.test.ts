import { describe, expect, it } from 'vitest';
import { generateKey } from '../../keys/key';
import { demonstrateBitFlip, packCbcForComparison, packImage, PackageRefusedError, unpackCbcForComparison, unpackImage } from './index';
import { CBC_MAGIC, headerLength } from './format';
import { rawBytes } from './rawSamples';
import { syntheticDicom, syntheticRgb } from './testImages';

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
    await expect(unpackCbcForComparison(await packImage(decoded, key), key)).rejects.toBeInstanceOf(PackageRefusedError);
  });

  it('accepts a flipped ciphertext bit and hands back a silently corrupted image', async () => {
    const key = await generateKey();
    const decoded = syntheticRgb(64, 64, 9);
    const cbc = await packCbcForComparison(decoded, key);
    // A bit well inside the ciphertext, away from the metadata and from the padding block.
    const at = headerLength('aes-256-cbc-comparison-only') + Math.floor((cbc.length - headerLength('aes-256-cbc-comparison-only')) * 0.6);
    const flipped = cbc.slice();
    flipped[at] ^= 0x10;
    const opened = await unpackCbcForComparison(flipped, key);
    expect(Buffer.from(opened.image.data).equals(Buffer.from(decoded.image.data))).toBe(false);
  });

  it('demonstrateBitFlip: GCM refuses, CBC accepts and corrupts', async () => {
    const key = await generateKey();
    const decoded = syntheticDicom({ width: 64, height: 64, bits: 16, signed: true });
    const demo = await demonstrateBitFlip(decoded, key);
    expect(demo.gcm).toBe('refused');
    expect(demo.gcmRefused).toBe(true);
    expect(demo.gcmMessage).toMatch(/^This package was altered or the key is wrong/);
    expect(demo.cbcAccepted).toBe(true);
    expect(demo.cbcChangedRawBytes).toBeGreaterThan(0);
    expect(demo.cbc).toBe(`accepted: ${demo.cbcChangedRawBytes} bytes changed, image corrupted silently`);
    expect(demo.cbcImage?.width).toBe(64);
  });
});
