import { describe, expect, it } from 'vitest';
import { randomBytes } from '../keys/key';
import { AccountFileError, exportAccountFile, isSealed, openAccountFile, parseAccountFile } from './accountFile';
import { generateAccountKeys } from './accountKeys';
import { signRecord, verifyRecord, readersHash, type RecordHeader } from './record';

const account = { id: 'acc-alice', name: 'alice', role: 'clinician' };

async function header(): Promise<RecordHeader> {
  return {
    study: '2.25.1234',
    version: 1,
    owner: account.id,
    modality: 'MR',
    frames: 1,
    packageSha256: 'a'.repeat(64),
    packageBytes: 10,
    readersHash: await readersHash([account.id]),
    issuedAt: new Date().toISOString(),
  };
}

describe('account file', () => {
  it('round-trips plain: the opened keys sign what the public key verifies', async () => {
    const keys = await generateAccountKeys({ extractable: true });
    const text = await exportAccountFile({ server: 'http://127.0.0.1:1', account, keys });
    const file = parseAccountFile(text);
    expect(isSealed(file)).toBe(false);
    const opened = await openAccountFile(file);
    expect(opened.account).toEqual(account);
    expect(opened.signKey.extractable).toBe(false);
    const jws = await signRecord(await header(), opened.signKey);
    await expect(verifyRecord(jws, keys.signJwk)).resolves.toMatchObject({ owner: account.id });
  });

  it('round-trips sealed, with no private member in the clear, and refuses a wrong or missing key', async () => {
    const keys = await generateAccountKeys({ extractable: true });
    const sealingKey = randomBytes(32);
    const text = await exportAccountFile({ server: 'http://127.0.0.1:1', account, keys, sealingKey });
    expect(text).not.toMatch(/"d"/);
    const file = parseAccountFile(text);
    expect(isSealed(file)).toBe(true);
    await expect(openAccountFile(file)).rejects.toThrow(/locked with a key file/);
    await expect(openAccountFile(file, randomBytes(32))).rejects.toThrow(/does not open with this key/);
    await expect(openAccountFile(file, randomBytes(16))).rejects.toThrow(AccountFileError);
    const opened = await openAccountFile(file, sealingKey);
    const jws = await signRecord(await header(), opened.signKey);
    await expect(verifyRecord(jws, keys.signJwk)).resolves.toBeDefined();
  });

  it('refuses sealed keys pasted into another account', async () => {
    const keys = await generateAccountKeys({ extractable: true });
    const sealingKey = randomBytes(32);
    const file = parseAccountFile(await exportAccountFile({ server: 's', account, keys, sealingKey }));
    const moved = { ...file, account: { ...account, id: 'acc-mallory' } };
    await expect(openAccountFile(moved, sealingKey)).rejects.toThrow(AccountFileError);
  });

  it('refuses private keys that do not belong to the public keys', async () => {
    const a = await generateAccountKeys({ extractable: true });
    const b = await generateAccountKeys({ extractable: true });
    const fileA = parseAccountFile(await exportAccountFile({ server: 's', account, keys: a }));
    const fileB = parseAccountFile(await exportAccountFile({ server: 's', account, keys: b }));
    await expect(openAccountFile({ ...fileA, private: fileB.private })).rejects.toThrow(/do not belong/);
  });

  it('explains unreadable files', async () => {
    const keys = await generateAccountKeys({ extractable: true });
    const good = JSON.parse(await exportAccountFile({ server: 's', account, keys }));
    const cases: [string, RegExp][] = [
      ['not json', /not JSON/],
      [JSON.stringify({ format: 'other' }), /not a CipherScan account file/],
      [JSON.stringify({ ...good, version: 2 }), /version 2/],
      [JSON.stringify({ ...good, server: '' }), /which server/],
      [JSON.stringify({ ...good, account: { name: 'x' } }), /which account/],
      [JSON.stringify({ ...good, signJwk: { ...good.signJwk, crv: 'P-521' } }), /public keys are damaged/],
      [JSON.stringify({ ...good, private: undefined }), /no private keys/],
      [
        JSON.stringify({ ...good, private: { signJwk: good.signJwk, wrapJwk: good.wrapJwk } }),
        /private keys are damaged/,
      ],
      [
        JSON.stringify({ ...good, private: { sealed: { alg: 'A128GCM', iv: 'AAAA', ciphertext: 'AA' } } }),
        /locked keys/,
      ],
    ];
    for (const [text, message] of cases) expect(() => parseAccountFile(text), text.slice(0, 40)).toThrow(message);
  });

  it('refuses to export non-extractable keys', async () => {
    const keys = await generateAccountKeys({ extractable: false });
    await expect(exportAccountFile({ server: 's', account, keys })).rejects.toThrow(/cannot be exported/);
  });
});
