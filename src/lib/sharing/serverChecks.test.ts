import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../keys/key';
import { type AccountKeys, generateAccountKeys } from './accountKeys';
import { BundleError, decodeBundle, encodeBundle } from './bundle';
import { newContentKey, wrapContentKey } from './contentKey';
import { SharingRefusedError } from './errors';
import { readersHash, signRecord } from './record';
import { acceptRecordChange, acceptUpload } from './serverChecks';
import { type SealedUpload, reshareRecord, sealForUpload } from './sharedPackage';

let alice: AccountKeys, bob: AccountKeys;
let sealed: SealedUpload;
const owner = () => ({ id: 'acc-alice', signJwk: alice.signJwk });

async function reason(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SharingRefusedError);
  return (err as SharingRefusedError).reason;
}

beforeAll(async () => {
  [alice, bob] = await Promise.all([
    generateAccountKeys({ extractable: false }),
    generateAccountKeys({ extractable: false }),
  ]);
  sealed = await sealForUpload({
    // the server never opens the package: any bytes do here
    packageFrom: async () => randomBytes(300),
    owner: { id: 'acc-alice', signKey: alice.sign.privateKey, wrapJwk: alice.wrapJwk },
    modality: 'CT',
    frames: 3,
  });
});

describe('server checks: upload', () => {
  it('accepts the owner’s own sealed upload', async () => {
    const accepted = await acceptUpload(sealed.bundle, owner());
    expect(accepted.header).toEqual(sealed.header);
    expect(accepted.pkg).toEqual(decodeBundle(sealed.bundle).pkg);
  });

  it('refuses another signer, another owner id, a later version, a swapped package, readers, a moved key', async () => {
    expect(await reason(acceptUpload(sealed.bundle, { id: 'acc-alice', signJwk: bob.signJwk }))).toBe('bad-signature');
    expect(await reason(acceptUpload(sealed.bundle, { id: 'acc-bob', signJwk: alice.signJwk }))).toBe('wrong-owner');
    const parts = decodeBundle(sealed.bundle);
    const v2 = await reshareRecord({ header: sealed.header, readers: [], signKey: alice.sign.privateKey });
    expect(await reason(acceptUpload(encodeBundle({ ...parts, record: v2.record }), owner()))).toBe('wrong-version');
    expect(await reason(acceptUpload(encodeBundle({ ...parts, pkg: randomBytes(300) }), owner()))).toBe(
      'package-mismatch',
    );
    const withBob = await signRecord(
      { ...sealed.header, readersHash: await readersHash(['acc-alice', 'acc-bob']) },
      alice.sign.privateKey,
    );
    expect(await reason(acceptUpload(encodeBundle({ ...parts, record: withBob }), owner()))).toBe('not-a-reader');
    const moved = await wrapContentKey(newContentKey(), alice.wrapJwk, { study: '2.25.7', owner: 'acc-alice' });
    expect(await reason(acceptUpload(encodeBundle({ ...parts, wrappedKey: moved }), owner()))).toBe('wrong-study');
    await expect(acceptUpload(sealed.bundle.subarray(1), owner())).rejects.toThrow(BundleError);
  });
});

describe('server checks: share and revoke', () => {
  it('accepts exactly current + 1 with the readers after the change', async () => {
    const { record } = await reshareRecord({
      header: sealed.header,
      readers: ['acc-bob'],
      signKey: alice.sign.privateKey,
    });
    const wrappedKey = await wrapContentKey(sealed.contentKey, bob.wrapJwk, {
      study: sealed.study,
      owner: 'acc-alice',
    });
    const next = await acceptRecordChange({
      record,
      owner: owner(),
      current: sealed.header,
      readersAfter: ['acc-bob'],
      wrappedKey,
    });
    expect(next.version).toBe(2);
    const revoke = await reshareRecord({ header: next, readers: [], signKey: alice.sign.privateKey });
    expect(
      (await acceptRecordChange({ record: revoke.record, owner: owner(), current: next, readersAfter: [] })).version,
    ).toBe(3);
  });

  it('refuses replay, skipped versions, changed package or modality, wrong readers, moved keys, other signers', async () => {
    const change = (record: string, extra: object = {}) =>
      acceptRecordChange({ record, owner: owner(), current: sealed.header, readersAfter: ['acc-bob'], ...extra });
    const sign = (over: object) =>
      signRecord({ ...sealed.header, readersHash: sealed.header.readersHash, ...over }, alice.sign.privateKey);
    const bobHash = await readersHash(['acc-alice', 'acc-bob']);
    expect(await reason(change(sealed.record))).toBe('wrong-version');
    expect(await reason(change(await sign({ version: 3, readersHash: bobHash })))).toBe('wrong-version');
    expect(await reason(change(await sign({ version: 2, readersHash: bobHash, packageSha256: 'e'.repeat(64) })))).toBe(
      'package-mismatch',
    );
    expect(await reason(change(await sign({ version: 2, readersHash: bobHash, modality: 'MR' })))).toBe(
      'package-mismatch',
    );
    expect(await reason(change(await sign({ version: 2 })))).toBe('not-a-reader');
    const good = await sign({ version: 2, readersHash: bobHash });
    const moved = await wrapContentKey(newContentKey(), bob.wrapJwk, { study: '2.25.7', owner: 'acc-alice' });
    expect(await reason(change(good, { wrappedKey: moved }))).toBe('wrong-study');
    const bobs = await signRecord({ ...sealed.header, version: 2, readersHash: bobHash }, bob.sign.privateKey);
    expect(await reason(change(bobs))).toBe('bad-signature');
    expect(await reason(change(good, { owner: { id: 'acc-bob', signJwk: bob.signJwk } }))).toBe('wrong-owner');
  });
});
