import { CompactSign, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../bytes/bytes';
import { generateAccountKeys } from './accountKeys';
import { SharingRefusedError } from './errors';
import {
  RECORD_FIELDS,
  type RecordHeader,
  decodeRecordUnverified,
  isStudyUid,
  readersHash,
  signRecord,
  verifyRecord,
} from './record';

async function header(over: Partial<RecordHeader> = {}): Promise<RecordHeader> {
  return {
    study: '2.25.329800735698586629295641978511506172918',
    version: 3,
    owner: 'acc-alice',
    modality: 'CT',
    frames: 2,
    packageSha256: 'ab'.repeat(32),
    packageBytes: 1234,
    readersHash: await readersHash(['acc-alice', 'acc-bob']),
    issuedAt: '2026-12-02T21:00:00.000Z',
    ...over,
  };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SharingRefusedError);
  return (err as SharingRefusedError).reason;
}

/** A JWS with any header and payload, signed by `sign` over the signing input (or unsigned). */
function forge(protectedHeader: object, payload: object, signature = ''): string {
  const enc = (o: object) => base64url.encode(utf8(JSON.stringify(o)));
  return `${enc(protectedHeader)}.${enc(payload)}.${signature}`;
}

describe('record header', () => {
  it('hashes reader lists independently of order and repetition', async () => {
    const h = await readersHash(['b', 'a', 'b']);
    expect(h).toBe(await readersHash(['a', 'b']));
    expect(h).not.toBe(await readersHash(['a', 'b', 'c']));
    expect(h).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs and verifies, with every expectation checked', async () => {
    const alice = await generateAccountKeys({ extractable: false });
    const h = await header();
    const jws = await signRecord(h, alice.sign.privateKey);
    expect(await verifyRecord(jws, alice.signJwk, { study: h.study, owner: 'acc-alice', minVersion: 3 })).toEqual(h);
    expect(await verifyRecord(jws, alice.sign.publicKey, { readers: ['acc-bob'], version: 3 })).toEqual(h);
    expect(await refusal(verifyRecord(jws, alice.signJwk, { study: '2.25.1' }))).toBe('wrong-study');
    expect(await refusal(verifyRecord(jws, alice.signJwk, { owner: 'acc-bob' }))).toBe('wrong-owner');
    expect(await refusal(verifyRecord(jws, alice.signJwk, { minVersion: 4 }))).toBe('wrong-version');
    expect(await refusal(verifyRecord(jws, alice.signJwk, { version: 4 }))).toBe('wrong-version');
    expect(await refusal(verifyRecord(jws, alice.signJwk, { packageSha256: 'cd'.repeat(32) }))).toBe(
      'package-mismatch',
    );
    expect(await refusal(verifyRecord(jws, alice.signJwk, { packageBytes: 1 }))).toBe('package-mismatch');
    expect(await refusal(verifyRecord(jws, alice.signJwk, { readers: ['acc-carol'] }))).toBe('not-a-reader');
  });

  it('refuses a record signed by another account, or altered', async () => {
    const alice = await generateAccountKeys({ extractable: false });
    const mallory = await generateAccountKeys({ extractable: false });
    const jws = await signRecord(await header(), mallory.sign.privateKey);
    expect(await refusal(verifyRecord(jws, alice.signJwk))).toBe('bad-signature');
    const good = await signRecord(await header(), alice.sign.privateKey);
    const [h, , s] = good.split('.');
    const other = base64url.encode(utf8(JSON.stringify(await header({ version: 9 }))));
    expect(await refusal(verifyRecord(`${h}.${other}.${s}`, alice.signJwk))).toBe('bad-signature');
  });

  it('refuses alg none, HS256 (keyed with the public key) and a wrong typ', async () => {
    const alice = await generateAccountKeys({ extractable: false });
    const payload = await header();
    const none = forge({ alg: 'none', typ: 'cipherscan-record+jws' }, payload);
    expect(await refusal(verifyRecord(none, alice.signJwk))).toBe('wrong-algorithm');
    const secret = utf8(JSON.stringify(alice.signJwk));
    const hs = await new CompactSign(utf8(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'HS256', typ: 'cipherscan-record+jws' })
      .sign(secret);
    expect(await refusal(verifyRecord(hs, alice.signJwk))).toBe('wrong-algorithm');
    const jwt = await new CompactSign(utf8(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .sign(alice.sign.privateKey);
    expect(await refusal(verifyRecord(jwt, alice.signJwk))).toBe('wrong-algorithm');
    const withJwk = await new CompactSign(utf8(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', typ: 'cipherscan-record+jws', jwk: alice.signJwk })
      .sign(alice.sign.privateKey);
    expect(await refusal(verifyRecord(withJwk, alice.signJwk))).toBe('malformed');
  });

  it('refuses signed payloads outside the allow-list, and oversized records', async () => {
    const alice = await generateAccountKeys({ extractable: false });
    const sign = (payload: object) =>
      new CompactSign(utf8(JSON.stringify(payload)))
        .setProtectedHeader({ alg: 'ES256', typ: 'cipherscan-record+jws' })
        .sign(alice.sign.privateKey);
    const h = await header();
    const bad: object[] = [
      { ...h, patientName: 'DOE^JANE' },
      { ...h, version: '3' },
      { ...h, version: 0 },
      { ...h, frames: 1.5 },
      { ...h, study: '1.2.840.113619.2.55.3' },
      { ...h, study: `2.25.${(1n << 128n).toString()}` },
      { ...h, modality: 'mr' },
      { ...h, packageSha256: 'AB'.repeat(32) },
      { ...h, issuedAt: 'yesterday' },
      { ...h, owner: '' },
      [h],
    ];
    const { frames: _omitted, ...missing } = h;
    bad.push(missing);
    for (const payload of bad)
      expect(await refusal(verifyRecord(await sign(payload), alice.signJwk)), JSON.stringify(payload)).toBe(
        'malformed',
      );
    await expect(signRecord({ ...h, patientName: 'x' } as RecordHeader, alice.sign.privateKey)).rejects.toThrow(
      SharingRefusedError,
    );
    const huge = await sign({ ...h, padding: 'x'.repeat(17 * 1024) });
    expect(await refusal(verifyRecord(huge, alice.signJwk))).toBe('too-large');
  });

  it('writes exactly the contract fields, and decodes unverified for display', async () => {
    const alice = await generateAccountKeys({ extractable: false });
    const jws = await signRecord(await header(), alice.sign.privateKey);
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[1])));
    expect(Object.keys(payload)).toEqual(RECORD_FIELDS);
    expect(RECORD_FIELDS.slice().sort()).toEqual(
      [
        'study',
        'version',
        'owner',
        'modality',
        'frames',
        'packageSha256',
        'packageBytes',
        'readersHash',
        'issuedAt',
      ].sort(),
    );
    expect(decodeRecordUnverified(jws)).toEqual(await header());
    expect(() => decodeRecordUnverified(forge({ alg: 'none', typ: 'cipherscan-record+jws' }, payload))).toThrow(
      SharingRefusedError,
    );
  });

  it('knows a study UID', () => {
    expect(isStudyUid('2.25.0')).toBe(true);
    expect(isStudyUid(`2.25.${((1n << 128n) - 1n).toString()}`)).toBe(true);
    expect(isStudyUid('2.25.01')).toBe(false);
    expect(isStudyUid('1.2.3')).toBe(false);
  });
});
