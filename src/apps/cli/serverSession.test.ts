import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args';
import { accountSealingKey, explained, NOT_SHARED, openAccount, purposeFrom, untilFrom } from './serverSession';
import { toHex } from '../../lib/bytes/bytes';
import { deriveSubkey, generateKey } from '../../lib/keys/key';
import { exportKeyFile } from '../../lib/keys/keyFile';
import { exportAccountFile, generateAccountKeys, SharingRefusedError } from '../../lib/sharing';
import { ServerError, ServerUnreachableError } from '../../lib/serverClient';

const dir = mkdtempSync(join(tmpdir(), 'cipherscan-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('account sealing key', () => {
  it('is fixed per user key, differs between keys, and from the package and BPE sub-keys', async () => {
    const key = await generateKey();
    const a = toHex(await accountSealingKey(key));
    expect(a).toHaveLength(64);
    expect(toHex(await accountSealingKey(key))).toBe(a);
    expect(toHex(await accountSealingKey(await generateKey()))).not.toBe(a);
    expect(toHex(await deriveSubkey(key, 'aesGcm'))).not.toBe(a);
    expect(toHex(await deriveSubkey(key, 'bpe'))).not.toBe(a);
  });

  it('opens a sealed account file only with the key it was sealed under', async () => {
    const key = await generateKey();
    const keyPath = join(dir, 'key.json');
    writeFileSync(keyPath, exportKeyFile(key));
    const otherPath = join(dir, 'other.json');
    writeFileSync(otherPath, exportKeyFile(await generateKey()));
    const keys = await generateAccountKeys({ extractable: true });
    const account = { id: 'acct-1', name: 'alice', role: 'clinician' };
    const sealingKey = await accountSealingKey(key);
    const accountPath = join(dir, 'alice.json');
    writeFileSync(accountPath, await exportAccountFile({ server: 'http://s', account, keys, sealingKey }));
    const opened = await openAccount(parseArgs(['--account', accountPath, '--key', keyPath]));
    expect(opened.account).toEqual(account);
    expect(opened.signJwk).toEqual(keys.signJwk);
    await expect(openAccount(parseArgs(['--account', accountPath]))).rejects.toThrow(/--key/);
    await expect(openAccount(parseArgs(['--account', accountPath, '--key', otherPath]))).rejects.toBeInstanceOf(
      UsageError,
    );
  });
});

describe('options and messages', () => {
  it('takes only the contract purposes and a future date', () => {
    expect(purposeFrom(parseArgs(['--purpose', 'second-opinion']))).toBe('second-opinion');
    expect(() => purposeFrom(parseArgs(['--purpose', 'marketing']))).toThrow(/treatment, second-opinion, research/);
    const now = new Date('2026-12-02T12:00:00Z');
    expect(untilFrom(parseArgs(['--until', '2027-01-31']), now)).toBe('2027-01-31T00:00:00.000Z');
    expect(untilFrom(parseArgs([]), now)).toBeUndefined();
    expect(() => untilFrom(parseArgs(['--until', '2026-01-01']), now)).toThrow(/past/);
    expect(() => untilFrom(parseArgs(['--until', 'next week']), now)).toThrow(/date like/);
  });

  it('says "not shared with you" for a 404 and keeps other sentences', async () => {
    await expect(explained(Promise.reject(new ServerError(404, 'not-found', 'not found')))).rejects.toThrow(NOT_SHARED);
    await expect(explained(Promise.reject(new ServerError(403, 'forbidden', 'consent withdrawn')))).rejects.toThrow(
      'consent withdrawn',
    );
    await expect(explained(Promise.reject(new ServerUnreachableError('http://x:1')))).rejects.toThrow(
      /cannot reach the server at http:\/\/x:1/,
    );
    await expect(
      explained(Promise.reject(new SharingRefusedError('bad-signature', 'the signature does not verify'))),
    ).rejects.toThrow(/failed its checks.*signature/);
  });
});
