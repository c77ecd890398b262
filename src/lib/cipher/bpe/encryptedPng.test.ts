import { describe, expect, it } from 'vitest';
import { generateKey, WrongKeyError } from '../../keys/key';
import { encryptImage } from './bpe';
import { decodeEncryptedPng, encodeEncryptedPng } from './encryptedPng';
import { planForKey } from './plan';
import { testImage } from '../../../testing/bpeTestVectors';

describe('encrypted PNG', () => {
  it('round-trips pixels exactly and carries scheme + geometry + key check', async () => {
    const key = await generateKey();
    const plan = await planForKey(key);
    const enc = encryptImage(plan, { width: 200, height: 200, data: testImage(200) });
    const file = encodeEncryptedPng(enc, key, plan);
    const back = decodeEncryptedPng(file, key);
    expect(back.image.data).toEqual(enc.data);
    expect(back.header).toMatchObject({ scheme: 'bpe-v1', imageSize: 200, blockSize: 25, check: key.check });
  });

  it('refuses a different key as "wrong key"', async () => {
    const key = await generateKey();
    const plan = await planForKey(key);
    const file = encodeEncryptedPng(encryptImage(plan, { width: 200, height: 200, data: testImage(200) }), key, plan);
    expect(() => decodeEncryptedPng(file, undefined)).not.toThrow();
    const other = await generateKey();
    expect(() => decodeEncryptedPng(file, other)).toThrow(WrongKeyError);
  });
});
