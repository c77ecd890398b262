import { describe, expect, it } from 'vitest';
import { generateAccountKeys } from '../../lib/sharing/accountKeys';
import { checkStorable, entryKey, readStored, type StoredAccountKeys } from './accountKeyStore';

async function stored(extractable: boolean): Promise<StoredAccountKeys> {
  const keys = await generateAccountKeys({ extractable });
  return {
    origin: 'http://localhost:4173',
    accountId: 'acc-1',
    signKey: keys.sign.privateKey,
    wrapKey: keys.wrap.privateKey,
    signJwk: keys.signJwk,
    wrapJwk: keys.wrapJwk,
  };
}

describe('account key store checks', () => {
  it('accepts non-extractable private keys and refuses extractable ones', async () => {
    expect(() => checkStorable(undefined as never)).toThrow();
    await expect(stored(false).then(checkStorable)).resolves.toBeUndefined();
    await expect(stored(true).then(checkStorable)).rejects.toThrow(/non-extractable/);
  });

  it('refuses a public key in place of a private one, and swapped purposes', async () => {
    const keys = await stored(false);
    const pair = await generateAccountKeys({ extractable: false });
    expect(() => checkStorable({ ...keys, signKey: pair.sign.publicKey })).toThrow(/private/);
    expect(() => checkStorable({ ...keys, signKey: keys.wrapKey, wrapKey: keys.signKey })).toThrow(/cannot/);
  });

  it('reads back only the entry of the asked server and account, reduced to its fields', async () => {
    const keys = await stored(false);
    const value = { ...keys, token: 'never kept' };
    const read = readStored(value, 'http://localhost:4173/', 'acc-1');
    expect(read?.accountId).toBe('acc-1');
    expect(read && 'token' in read).toBe(false);
    expect(readStored(value, 'http://localhost:9999', 'acc-1')).toBeNull();
    expect(readStored(value, 'http://localhost:4173', 'acc-2')).toBeNull();
    expect(readStored({ ...keys, signJwk: { ...keys.signJwk, d: 'x' } }, keys.origin, 'acc-1')).toBeNull();
    expect(readStored(null, keys.origin, 'acc-1')).toBeNull();
  });

  it('keys entries by origin (any path dropped) and account', () => {
    expect(entryKey('http://localhost:4173/app', 'a')).toBe('http://localhost:4173 a');
    expect(entryKey('http://localhost:4173', 'a')).not.toBe(entryKey('http://localhost:4174', 'a'));
  });
});
