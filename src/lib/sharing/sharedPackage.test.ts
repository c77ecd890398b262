/**
 * Owner → reader with real CSPK package bytes, and every refusal a hostile
 * server (or another account) could provoke on download.
 */
import { base64url } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticRgb } from '../../testing/packageImages';
import { toBase64, toHex } from '../bytes/bytes';
import { packImage, unpackImage } from '../cipher/package';
import { type AccountKeys, generateAccountKeys } from './accountKeys';
import { decodeBundle, encodeBundle } from './bundle';
import { unwrapContentKey, wrapContentKey } from './contentKey';
import { SharingRefusedError } from './errors';
import { RECORD_FIELDS, isStudyUid, signRecord } from './record';
import { type SealedUpload, newStudyUid, openDownloadedBundle, reshareRecord, sealForUpload } from './sharedPackage';

interface Person {
  id: string;
  keys: AccountKeys;
}

const image = syntheticRgb(24, 20, 5);
let alice: Person, bob: Person, carol: Person, mallory: Person;
let first: SealedUpload, second: SealedUpload;

async function person(id: string): Promise<Person> {
  return { id, keys: await generateAccountKeys({ extractable: false }) };
}

function upload(owner: Person): Promise<SealedUpload> {
  return sealForUpload({
    packageFrom: (key) => packImage(image, key),
    owner: { id: owner.id, signKey: owner.keys.sign.privateKey, wrapJwk: owner.keys.wrapJwk },
    modality: 'OT',
    frames: 1,
    now: new Date('2026-12-02T21:00:00Z'),
  });
}

/** The other way to call it: modality and frames learnt while packing. */
function uploadLearning(owner: Person): Promise<SealedUpload> {
  return sealForUpload({
    packageFrom: async (key) => ({ pkg: await packImage(image, key), modality: 'MR', frames: 1 }),
    owner: { id: owner.id, signKey: owner.keys.sign.privateKey, wrapJwk: owner.keys.wrapJwk },
  });
}

/** What the server would send `reader` after alice shared `sealed` with bob and carol: version 2. */
async function downloadFor(reader: Person, sealed: SealedUpload) {
  const { record } = await reshareRecord({
    header: sealed.header,
    readers: [bob.id, carol.id],
    signKey: alice.keys.sign.privateKey,
  });
  const wrappedKey = await wrapContentKey(sealed.contentKey, reader.keys.wrapJwk, {
    study: sealed.study,
    owner: alice.id,
  });
  return { record, wrappedKey, pkg: decodeBundle(sealed.bundle).pkg };
}

function open(
  bytes: Uint8Array,
  reader: Person,
  study: string,
  extra: { minVersion?: number; readers?: string[] } = {},
) {
  return openDownloadedBundle(bytes, {
    me: { id: reader.id, wrapKey: reader.keys.wrap.privateKey },
    ownerSignJwk: alice.keys.signJwk,
    expectOwner: alice.id,
    expectStudy: study,
    ...extra,
  });
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SharingRefusedError);
  return (err as SharingRefusedError).reason;
}

beforeAll(async () => {
  [alice, bob, carol, mallory] = await Promise.all(['acc-alice', 'acc-bob', 'acc-carol', 'acc-mallory'].map(person));
  first = await upload(alice);
  second = await uploadLearning(alice);
});

describe('shared package', () => {
  it('makes pseudonymous study UIDs', () => {
    const a = newStudyUid();
    expect(isStudyUid(a)).toBe(true);
    expect(newStudyUid()).not.toBe(a);
    expect(first.study).not.toBe(second.study);
  });

  it('round-trips owner → owner and owner → reader with the package intact', async () => {
    expect(first.header).toMatchObject({
      version: 1,
      owner: alice.id,
      packageBytes: decodeBundle(first.bundle).pkg.length,
    });
    const own = await open(first.bundle, alice, first.study, { readers: [] });
    expect(own.header).toEqual(first.header);
    expect((await unpackImage(own.pkg, own.contentKey)).image.data).toEqual(image.image.data);

    const forBob = await downloadFor(bob, first);
    const got = await open(encodeBundle(forBob), bob, first.study, { minVersion: 2, readers: [bob.id, carol.id] });
    expect(got.header.version).toBe(2);
    const opened = await unpackImage(got.pkg, got.contentKey);
    expect(opened.image.data).toEqual(image.image.data);
    expect(opened.raw.data).toEqual(image.raw!.data);
  });

  it('takes modality and frames from packageFrom, and needs them from somewhere', async () => {
    expect(second.header).toMatchObject({ modality: 'MR', frames: 1, version: 1 });
    const owner = { id: alice.id, signKey: alice.keys.sign.privateKey, wrapJwk: alice.keys.wrapJwk };
    await expect(sealForUpload({ packageFrom: (key) => packImage(image, key), owner, frames: 1 })).rejects.toThrow(
      /modality/,
    );
    await expect(
      sealForUpload({ packageFrom: (key) => packImage(image, key), owner, frames: 1, modality: 'mr' }),
    ).rejects.toThrow(SharingRefusedError);
  });

  it('gives a reader nothing from the upload bundle (only the owner’s copy of the key is in it)', async () => {
    expect(await refusal(open(first.bundle, bob, first.study))).toBe('key-unwrap-failed');
  });

  it('refuses a record signed by another account', async () => {
    const forBob = await downloadFor(bob, first);
    const forged = await signRecord({ ...first.header, version: 2 }, mallory.keys.sign.privateKey);
    expect(await refusal(open(encodeBundle({ ...forBob, record: forged }), bob, first.study))).toBe('bad-signature');
  });

  it('refuses a record for another study, and a rolled-back version', async () => {
    const forBob = encodeBundle(await downloadFor(bob, first));
    expect(await refusal(open(forBob, bob, second.study))).toBe('wrong-study');
    expect(await refusal(open(forBob, bob, first.study, { minVersion: 3 }))).toBe('wrong-version');
  });

  it('refuses a swapped or altered package', async () => {
    const forBob = await downloadFor(bob, first);
    const swapped = { ...forBob, pkg: decodeBundle(second.bundle).pkg };
    expect(await refusal(open(encodeBundle(swapped), bob, first.study))).toBe('package-mismatch');
    const altered = forBob.pkg.slice();
    altered[altered.length - 1] ^= 1;
    expect(await refusal(open(encodeBundle({ ...forBob, pkg: altered }), bob, first.study))).toBe('package-mismatch');
  });

  it('refuses a wrapped key moved from another study, or made for another reader', async () => {
    const forBob = await downloadFor(bob, first);
    const fromSecond = await downloadFor(bob, second);
    const moved = { ...forBob, wrappedKey: fromSecond.wrappedKey };
    expect(await refusal(open(encodeBundle(moved), bob, first.study))).toBe('wrong-study');
    const carols = await downloadFor(carol, first);
    expect(await refusal(open(encodeBundle({ ...forBob, wrappedKey: carols.wrappedKey }), bob, first.study))).toBe(
      'key-unwrap-failed',
    );
  });

  it('refuses a reader list that was not signed, or that lacks me', async () => {
    const forBob = encodeBundle(await downloadFor(bob, first));
    expect(await refusal(open(forBob, bob, first.study, { readers: [bob.id] }))).toBe('not-a-reader');
    expect(await refusal(open(forBob, bob, first.study, { readers: [carol.id] }))).toBe('not-a-reader');
  });

  it('refuses tampered lengths, truncation, trailing bytes and oversized sections', async () => {
    const forBob = await downloadFor(bob, first);
    const bytes = encodeBundle(forBob);
    const view = new DataView(bytes.buffer);
    const pkgLengthAt = 5 + 4 + forBob.record.length + 4 + forBob.wrappedKey.length;
    const tampered = bytes.slice();
    new DataView(tampered.buffer).setUint32(pkgLengthAt, view.getUint32(pkgLengthAt, true) - 1, true);
    expect(await refusal(open(tampered, bob, first.study))).toBe('malformed');
    expect(await refusal(open(bytes.subarray(0, bytes.length - 1), bob, first.study))).toBe('malformed');
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(await refusal(open(longer, bob, first.study))).toBe('malformed');
    const huge = bytes.slice();
    new DataView(huge.buffer).setUint32(5, 1 << 20, true);
    expect(await refusal(open(huge, bob, first.study))).toBe('too-large');
    const small = openDownloadedBundle(bytes, {
      me: { id: bob.id, wrapKey: bob.keys.wrap.privateKey },
      ownerSignJwk: alice.keys.signJwk,
      expectStudy: first.study,
      maxPackageBytes: 100,
    });
    expect(await refusal(small)).toBe('too-large');
  });

  it('puts the plain content key in no output, and only the contract fields in the record', async () => {
    const key = first.contentKey;
    const forms = [toHex(key), toBase64(key), base64url.encode(key)];
    const texts = [first.record, first.wrappedKey, new TextDecoder('latin1').decode(first.bundle)];
    for (const jose of [first.record, first.wrappedKey])
      texts.push(new TextDecoder().decode(base64url.decode(jose.split('.')[0])));
    texts.push(new TextDecoder().decode(base64url.decode(first.record.split('.')[1])));
    for (const text of texts) for (const form of forms) expect(text.includes(form)).toBe(false);
    expect(indexOfBytes(first.bundle, key)).toBe(-1);

    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(first.record.split('.')[1])));
    expect(Object.keys(payload)).toEqual(RECORD_FIELDS);
    const jweHeader = JSON.parse(new TextDecoder().decode(base64url.decode(first.wrappedKey.split('.')[0])));
    expect(Object.keys(jweHeader).sort()).toEqual(['alg', 'csOwner', 'csStudy', 'enc', 'epk']);
    // and the owner's copy does open to exactly that key
    expect(
      await unwrapContentKey(first.wrappedKey, alice.keys.wrap.privateKey, { study: first.study, owner: alice.id }),
    ).toEqual(key);
  });

  it('re-signs with version + 1 and a new reader hash for share and revoke', async () => {
    const shared = await reshareRecord({
      header: first.header,
      readers: [bob.id],
      signKey: alice.keys.sign.privateKey,
    });
    const revoked = await reshareRecord({ header: shared.header, readers: [], signKey: alice.keys.sign.privateKey });
    expect([shared.header.version, revoked.header.version]).toEqual([2, 3]);
    expect(shared.header.readersHash).not.toBe(first.header.readersHash);
    expect(revoked.header.readersHash).toBe(first.header.readersHash);
  });
});

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
