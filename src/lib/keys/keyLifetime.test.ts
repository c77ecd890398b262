/**
 * Key lifetime (issue 19): a forgotten key's bytes are zeroed and the object is
 * refused afterwards; copies made for WebCrypto imports are zeroed once imported;
 * AES sub-keys exist only as non-extractable CryptoKeys.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { asBuffer } from '../bytes/bytes';
import {
  deriveAesSubkey,
  deriveSubkey,
  generateKey,
  KeyForgottenError,
  keyFromBytes,
  packageKeyCheck,
  wipeKey,
} from './key';
import { exportKeyFile } from './keyFile';
import { KeyStore } from './keyStore';

const allZero = (bytes: Uint8Array) => bytes.length > 0 && bytes.every((b) => b === 0);

afterEach(() => vi.restoreAllMocks());

describe('key lifetime', () => {
  it('wipeKey zeroes the master bytes; every later use is refused with KeyForgottenError', async () => {
    const key = await generateKey();
    const salt = new Uint8Array(12).fill(1);
    // before: a key file, sub-keys and package checks all work (and warm the caches)
    expect(exportKeyFile(key)).toContain('"kind": "random"');
    await deriveSubkey(key, 'bpe');
    await packageKeyCheck(key, salt);
    await deriveAesSubkey(key, 'aesGcm', 'AES-GCM');
    wipeKey(key);
    expect(allZero(key.master)).toBe(true);
    expect(() => exportKeyFile(key)).toThrow(KeyForgottenError);
    await expect(deriveSubkey(key, 'bpe')).rejects.toThrow(KeyForgottenError);
    await expect(deriveAesSubkey(key, 'aesGcm', 'AES-GCM')).rejects.toThrow(KeyForgottenError);
    // the HMAC key cached for this key object must not outlive it
    await expect(packageKeyCheck(key, salt)).rejects.toThrow(KeyForgottenError);
  });

  it('KeyStore.forget zeroes the key it held; a key replaced under the same handle too', async () => {
    const store = new KeyStore();
    const a = await generateKey();
    const b = await generateKey();
    store.register('h', a);
    store.register('h', b);
    expect(allZero(a.master)).toBe(true);
    expect(store.forget('h')).toBe(true);
    expect(allZero(b.master)).toBe(true);
    expect(() => store.get('h')).toThrow(KeyForgottenError);
    expect(store.forget('h')).toBe(false);
  });

  it('zeroes the copies of key bytes it hands to WebCrypto once they are imported', async () => {
    const handed: Uint8Array[] = [];
    const importKey = crypto.subtle.importKey.bind(crypto.subtle) as (...a: unknown[]) => Promise<CryptoKey>;
    vi.spyOn(crypto.subtle, 'importKey').mockImplementation(((...args: unknown[]) => {
      if (args[0] === 'raw') handed.push(args[1] as Uint8Array);
      return importKey(...args);
    }) as typeof crypto.subtle.importKey);
    const master = new Uint8Array(32).fill(9);
    const key = await keyFromBytes(master, 'imported'); // key check: HMAC import
    await deriveSubkey(key, 'bpe'); // HKDF import
    await packageKeyCheck(key, new Uint8Array(12)); // HMAC import
    await deriveAesSubkey(key, 'aesCbc', 'AES-CBC'); // HKDF import, no AES bytes at all
    expect(handed).toHaveLength(4);
    for (const copy of handed) expect(allZero(copy)).toBe(true);
    expect(key.master).toEqual(master); // the key itself keeps its bytes until it is wiped
  });

  it('AES sub-keys are non-extractable and equal to the HKDF bytes (packages made either way open)', async () => {
    const key = await generateKey();
    const derived = await deriveAesSubkey(key, 'aesGcm', 'AES-GCM');
    expect(derived.extractable).toBe(false);
    const bytes = await deriveSubkey(key, 'aesGcm');
    const imported = await crypto.subtle.importKey('raw', asBuffer(bytes), 'AES-GCM', false, ['encrypt']);
    const iv = new Uint8Array(12);
    const data = new Uint8Array(64).fill(5);
    const a = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, derived, data));
    const b = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, imported, data));
    expect(a).toEqual(b);
  });
});
