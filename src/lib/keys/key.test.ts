import { describe, expect, it, vi } from 'vitest';
import {
  generateKey,
  deriveKeyFromPassphrase,
  deriveSubkey,
  WrongKeyError,
  keyFromBytes,
  packageKeyCheck,
} from './key';
import { exportKeyFile, importKeyFile, parseKeyFile } from './keyFile';
import { passphraseStrength, WeakPassphraseError } from './strength';
import { KDF_MIN_MEMORY_KIB } from './kdfPolicy';
import { toHex } from '../bytes/bytes';

// The cheapest cost a passphrase key may have (OWASP's floor, 19 MiB, t=2: a few tenths of a second);
// the default (64 MiB, t=3) is exercised once below.
const FAST = { memoryKiB: KDF_MIN_MEMORY_KIB, iterations: 2 };

let fileText: string | undefined;
/** A valid passphrase key file with one change. */
function altered(change: (f: { kdf: Record<string, unknown>; check: unknown }) => void): string {
  fileText ??= JSON.stringify({
    format: 'cipherscan-key',
    version: 1,
    kind: 'passphrase',
    check: '0123456789abcdef',
    kdf: {
      algorithm: 'argon2id',
      memoryKiB: 65536,
      iterations: 3,
      parallelism: 1,
      salt: '5be0c4d1a2f3e4d5c6b7a8991a2b3c4d',
    },
  });
  const f = JSON.parse(fileText);
  change(f);
  return JSON.stringify(f);
}

describe('keys', () => {
  it('random keys are 256 bits and distinct', async () => {
    const a = await generateKey();
    const b = await generateKey();
    expect(a.master.length).toBe(32);
    expect(toHex(a.master)).not.toBe(toHex(b.master));
    expect(a.check).toMatch(/^[0-9a-f]{16}$/);
  });

  it('passphrase keys are reproducible from salt + parameters and differ by salt', async () => {
    const a = await deriveKeyFromPassphrase('correct horse battery staple', FAST);
    const b = await deriveKeyFromPassphrase('correct horse battery staple', a.kdf);
    const c = await deriveKeyFromPassphrase('correct horse battery staple', FAST);
    expect(toHex(b.master)).toBe(toHex(a.master));
    expect(toHex(c.master)).not.toBe(toHex(a.master));
  });

  it('matches an Argon2id reference value (RFC 9106 parameters differ; this pins our use)', async () => {
    const k = await deriveKeyFromPassphrase('password', {
      memoryKiB: KDF_MIN_MEMORY_KIB,
      iterations: 2,
      parallelism: 1,
      salt: '73616c7473616c7473616c7473616c74',
    });
    expect(toHex(k.master)).toMatch(/^[0-9a-f]{64}$/);
    const again = await deriveKeyFromPassphrase('password', k.kdf);
    expect(again.check).toBe(k.check);
  });

  it('default cost derives a key', async () => {
    const k = await deriveKeyFromPassphrase('a long passphrase for the default cost');
    expect(k.kdf?.memoryKiB).toBe(65536);
  }, 30_000);

  it('sub-keys differ by purpose and are stable', async () => {
    const k = await keyFromBytes(new Uint8Array(32).fill(9), 'imported');
    const bpe = await deriveSubkey(k, 'bpe');
    const aes = await deriveSubkey(k, 'aesGcm');
    expect(toHex(bpe)).not.toBe(toHex(aes));
    expect(toHex(await deriveSubkey(k, 'bpe'))).toBe(toHex(bpe));
  });

  it('key files round-trip; a wrong passphrase is reported as a wrong key', async () => {
    const random = await generateKey();
    const back = await importKeyFile(exportKeyFile(random));
    expect(toHex(back.master)).toBe(toHex(random.master));

    const pass = await deriveKeyFromPassphrase('tumour board 2026!', FAST);
    const text = exportKeyFile(pass);
    expect(text).not.toContain(toHex(pass.master));
    expect(parseKeyFile(text).key).toBeUndefined();
    expect(toHex((await importKeyFile(text, 'tumour board 2026!')).master)).toBe(toHex(pass.master));
    await expect(importKeyFile(text, 'tumour board 2025!')).rejects.toBeInstanceOf(WrongKeyError);
    // in words that name what did not match: no data is involved yet
    await expect(importKeyFile(text, 'tumour board 2025!')).rejects.toThrow(
      'wrong key: this passphrase does not open this key file',
    );
  });

  it('a tampered key file is refused', async () => {
    const f = JSON.parse(exportKeyFile(await generateKey()));
    f.check = '0000000000000000';
    await expect(importKeyFile(JSON.stringify(f))).rejects.toBeInstanceOf(WrongKeyError);
    await expect(importKeyFile(JSON.stringify(f))).rejects.toThrow(/this key file is damaged/);
    await expect(importKeyFile('hello')).rejects.toThrow(/not a CipherScan key file/);
  });

  it('refuses a key file whose derivation cost is out of bounds (a file can ask for hours of work) or whose salt or check is damaged', async () => {
    const text = exportKeyFile(await deriveKeyFromPassphrase('tumour board 2026!', FAST));
    const altered = (change: (f: { kdf: Record<string, unknown>; check: unknown }) => void) => {
      const f = JSON.parse(text);
      change(f);
      return JSON.stringify(f);
    };
    expect(() => parseKeyFile(text)).not.toThrow();
    expect(() => parseKeyFile(altered((f) => (f.kdf.iterations = 2147483647)))).toThrow(
      'key file: iterations 2147483647 is outside 1–16',
    );
    expect(() => parseKeyFile(altered((f) => (f.kdf.memoryKiB = 8 * 1024 * 1024)))).toThrow(
      /memoryKiB 8388608 is outside/,
    );
    expect(() => parseKeyFile(altered((f) => (f.kdf.parallelism = 0.5)))).toThrow(/parallelism 0.5 is outside/);
    expect(() => parseKeyFile(altered((f) => (f.kdf.algorithm = 'scrypt')))).toThrow(/unknown key derivation "scrypt"/);
    expect(() => parseKeyFile(altered((f) => (f.kdf.salt = 'ab')))).toThrow(/salt must be 16 bytes/);
    expect(() => parseKeyFile(altered((f) => (f.check = 'zz')))).toThrow(/damaged key-check value/);
    // refused before any derivation starts
    await expect(
      importKeyFile(
        altered((f) => (f.kdf.iterations = 2147483647)),
        'tumour board 2026!',
      ),
    ).rejects.toThrow(/outside/);
  });

  it('refuses a weak passphrase for a new key, with a message that says why and what to do', async () => {
    const weak = deriveKeyFromPassphrase('password', FAST);
    await expect(weak).rejects.toBeInstanceOf(WeakPassphraseError);
    await expect(deriveKeyFromPassphrase('password', FAST)).rejects.toThrow(
      /too easy to guess \(strength: very weak\).*guesses against it offline.*four or more unrelated words/,
    );
    await expect(deriveKeyFromPassphrase('tumour2026', FAST)).rejects.toBeInstanceOf(WeakPassphraseError);
  });

  it('re-derives an existing key (salt given, as from its key file) without judging its passphrase again', async () => {
    const salt = toHex(crypto.getRandomValues(new Uint8Array(16)));
    const old = await deriveKeyFromPassphrase('password', { ...FAST, salt });
    const text = exportKeyFile(old);
    expect((await importKeyFile(text, 'password')).check).toBe(old.check);
  });

  it("refuses an Argon2id cost below OWASP's floor and a salt that is not random, reading or deriving", async () => {
    const strong = 'violet harbour lantern 7 quietly';
    await expect(deriveKeyFromPassphrase(strong, { memoryKiB: 8, iterations: 1 })).rejects.toThrow(
      /memoryKiB 8 is below 19456 \(19 MiB, OWASP's minimum/,
    );
    await expect(deriveKeyFromPassphrase(strong, { memoryKiB: KDF_MIN_MEMORY_KIB, iterations: 1 })).rejects.toThrow(
      /memoryKiB × iterations 19456 is below 38912/,
    );
    // 47 MiB × 1 is one of OWASP's equivalent settings: allowed
    expect(() =>
      parseKeyFile(altered((f) => Object.assign(f.kdf, { memoryKiB: 47 * 1024, iterations: 1 }))),
    ).not.toThrow();
    for (const salt of ['0'.repeat(32), 'ab'.repeat(16)])
      await expect(deriveKeyFromPassphrase(strong, { ...FAST, salt })).rejects.toThrow(/salt is not random/);

    // the file from the review: 8 KiB, one pass, all-zero salt
    expect(() => parseKeyFile(altered((f) => Object.assign(f.kdf, { memoryKiB: 8, iterations: 1 })))).toThrow(
      /key file: memoryKiB 8 is below 19456/,
    );
    expect(() => parseKeyFile(altered((f) => (f.kdf.salt = '0'.repeat(32))))).toThrow(
      /key file: the salt is not random/,
    );
    expect(() => parseKeyFile(altered((f) => (f.kdf.salt = 'ab'.repeat(8))))).toThrow(/salt must be 16 bytes/);
    await expect(
      importKeyFile(
        altered((f) => (f.kdf.salt = '0'.repeat(32))),
        strong,
      ),
    ).rejects.toThrow(/not random/);
  });

  it('gives a passphrase strength hint', () => {
    expect(passphraseStrength('password').score).toBeLessThanOrEqual(1);
    expect(passphraseStrength('violet-harbour-kettle-93-quietly').score).toBeGreaterThanOrEqual(3);
  });

  it('a package key check whose HMAC key failed to import is retried, not cached as failed', async () => {
    const key = await generateKey();
    const salt = new Uint8Array(12).fill(7);
    const spy = vi.spyOn(crypto.subtle, 'importKey').mockRejectedValueOnce(new Error('import failed'));
    await expect(packageKeyCheck(key, salt)).rejects.toThrow('import failed');
    spy.mockRestore();
    const check = await packageKeyCheck(key, salt);
    expect(check).toMatch(/^[0-9a-f]{16}$/);
    expect(await packageKeyCheck(key, salt)).toBe(check);
  });
});
