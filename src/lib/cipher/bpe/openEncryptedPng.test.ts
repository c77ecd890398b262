import { describe, expect, it } from 'vitest';
import { generateKey, WrongKeyError } from '../../keys/key';
import { encodeRgbPng } from '../../image/png';
import { encryptImage } from './bpe';
import { encodeEncryptedPng } from './encryptedPng';
import { openEncryptedPng, readEncryptedPng } from './openEncryptedPng';
import { planForKey } from './plan';
import { testImage } from '../../../testing/bpeTestVectors';

const PAGE = { geometry: { imageSize: 200, blockSize: 25 }, requireHeader: true, reader: 'the page' };

describe('openEncryptedPng (one set of rules for the page and the CLI)', () => {
  it('decrypts exactly and reports scheme and geometry', async () => {
    const key = await generateKey();
    const plan = await planForKey(key);
    const file = encodeEncryptedPng(encryptImage(plan, { width: 200, height: 200, data: testImage(200) }), key, plan);
    const opened = await openEncryptedPng(file, key, PAGE);
    expect(opened?.image.data).toEqual(testImage(200));
    expect(opened).toMatchObject({ scheme: 'bpe-v1', geometry: { imageSize: 200, blockSize: 25 } });
  });

  it('refuses a size the reader does not take from the IHDR, before decoding', () => {
    // a truncated PNG whose IHDR says 400 x 100: decoding it would throw something else
    const file = encodeRgbPng({ width: 400, height: 100, data: new Uint8Array(400 * 100 * 3) }).slice(0, 40);
    expect(() => readEncryptedPng(file, 'x', PAGE)).toThrow(
      "this image is 400 × 100; the page's encrypted images are 200 × 200",
    );
    expect(() => readEncryptedPng(file, 'x', {})).toThrow('an encrypted image is square; this one is 400x100');
  });

  it('says a file that is not a PNG is not one, instead of reading its first bytes as a size', () => {
    // a JPEG's first bytes (SOI, APP0 "JFIF"), then padding: once read as 65536 x 4292542531
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, ...new Array(40).fill(0)]);
    for (const rules of [PAGE, {}])
      expect(() => readEncryptedPng(jpeg, 'x', rules)).toThrow(
        'this file is not an encrypted image: it is not a PNG, or not a whole one',
      );
  });

  it('refuses a wrong key, a missing header where one is required, and another geometry', async () => {
    const key = await generateKey();
    const other = await generateKey();
    const plan = await planForKey(key);
    const enc = encryptImage(plan, { width: 200, height: 200, data: testImage(200) });
    expect(() => readEncryptedPng(encodeEncryptedPng(enc, key, plan), other.check, PAGE)).toThrow(WrongKeyError);
    expect(() => readEncryptedPng(encodeRgbPng(enc), key.check, PAGE)).toThrow(/no CipherScan header/);
    const fine = encodeEncryptedPng(enc, key, { imageSize: 200, blockSize: 20 });
    expect(() => readEncryptedPng(fine, key.check, PAGE)).toThrow(
      'this image uses 200/20 geometry; the page uses 200/25',
    );
    // the header must describe the pixels it comes with
    const lying = encodeEncryptedPng(enc, key, { imageSize: 100, blockSize: 25 });
    expect(() => readEncryptedPng(lying, key.check, {})).toThrow(
      /the header says 100 × 100 but the image is 200 × 200/,
    );
  });

  it('takes a bare PNG when no header is required (the CLI), at the default block size', async () => {
    const key = await generateKey();
    const plan = await planForKey(key);
    const enc = encryptImage(plan, { width: 200, height: 200, data: testImage(200) });
    const opened = await openEncryptedPng(encodeRgbPng(enc), key, { reader: 'the CLI' });
    expect(opened?.image.data).toEqual(testImage(200));
    expect(opened?.header).toBeUndefined();
  });

  it('stops between steps when the key is no longer wanted: no plan, nothing returned', async () => {
    const key = await generateKey();
    const plan = await planForKey(key);
    const file = encodeEncryptedPng(encryptImage(plan, { width: 200, height: 200, data: testImage(200) }), key, plan);
    let plans = 0;
    const opened = await openEncryptedPng(file, key, PAGE, {
      plan: async (k, g) => (plans++, planForKey(k, g)),
      stillWanted: () => false,
    });
    expect(opened).toBeUndefined();
    expect(plans).toBe(0);
  });

  it('bounds the geometry a header names before any plan is made (the CLI takes any square)', async () => {
    const key = await generateKey();
    const enc = { width: 200, height: 200, data: testImage(200) };
    let plans = 0;
    const counting = {
      plan: async (k: typeof key, g: Parameters<typeof planForKey>[1]) => (plans++, planForKey(k, g)),
    };
    // a 1-pixel block: nothing to scramble inside it, and S*S blocks to shuffle
    const tiny = encodeEncryptedPng(enc, key, { imageSize: 200, blockSize: 1 });
    await expect(openEncryptedPng(tiny, key, { reader: 'the CLI' }, counting)).rejects.toThrow(
      'the encrypted image header names a geometry this app refuses: block size 1 is too small (at least 2)',
    );
    // fields of the wrong type are refused, not passed on
    const typed = encodeRgbPng(enc, {
      cipherscan: JSON.stringify({ scheme: 'bpe-v1', imageSize: '200', blockSize: 25 }),
    });
    expect(() => readEncryptedPng(typed, key.check, {})).toThrow('the encrypted image header is damaged');
    // a side larger than any plan is refused from the IHDR, before the pixels are inflated (truncated: decoding would fail otherwise)
    const big = encodeRgbPng({ width: 1100, height: 1100, data: new Uint8Array(1100 * 1100 * 3) }).slice(0, 40);
    expect(() => readEncryptedPng(big, key.check, {})).toThrow(
      'this image is 1100 × 1100; encrypted images are at most 1024 × 1024',
    );
    // a read done elsewhere (the page's worker) is checked again before the plan
    const read = async () => ({ image: enc, geometry: { imageSize: 4096, blockSize: 4096 } });
    await expect(openEncryptedPng(tiny, key, {}, { ...counting, read })).rejects.toThrow(/larger than block-pixel/);
    expect(plans).toBe(0);
  });
});
