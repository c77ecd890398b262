/** The repositories on both databases: CRUD, single use, compare-and-set versions, sharing. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBothDatabases } from '../../../testing/databases.ts';
import { hashInvitationCode } from '../auth/invitations.ts';
import { openDatabase, type Database } from '../db/index.ts';
import {
  StoreError,
  addPasskey,
  createAccount,
  createChallenge,
  createInvitation,
  findUsableInvitation,
  getAccountByName,
  getOrCreateSecret,
  getPasskey,
  getStudy,
  getStudyForReader,
  insertStudy,
  listKeyHolders,
  listMyStudies,
  listReaders,
  listSharedWithMe,
  redeemInvitation,
  revokeStudyReader,
  setConsent,
  shareStudy,
  takeChallenge,
  updatePasskeyCounter,
  type Account,
} from './index.ts';

const jwk = (x: string): JsonWebKey => ({ kty: 'EC', crv: 'P-256', x, y: x });
const HOUR = 3_600_000;

describeOnBothDatabases('store', (suite) => {
  let db: Database;
  let alice: Account;
  let bob: Account;
  beforeAll(async () => {
    db = await openDatabase(await suite.freshDatabase());
    alice = await createAccount(db, {
      name: 'alice',
      role: 'clinician',
      site: 'A',
      signJwk: jwk('a1'),
      wrapJwk: jwk('a2'),
    });
    bob = await createAccount(db, { name: 'bob', role: 'clinician', signJwk: jwk('b1'), wrapJwk: jwk('b2') });
  }, 60_000);
  afterAll(() => db?.close());

  it('creates and finds accounts, refusing a taken name', async () => {
    expect(await getAccountByName(db, 'alice')).toEqual(alice);
    expect(alice.signJwk).toEqual(jwk('a1'));
    expect(bob.site).toBeNull();
    await expect(
      createAccount(db, { name: 'alice', role: 'admin', signJwk: jwk('x'), wrapJwk: jwk('y') }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await getAccountByName(db, 'nobody')).toBeNull();
  });

  it('redeems an invitation once, and never an expired one', async () => {
    const now = new Date();
    const codeHash = hashInvitationCode('code-1');
    await createInvitation(db, { codeHash, name: 'carol', role: 'auditor', expiresAt: new Date(+now + HOUR) });
    await createInvitation(db, { codeHash: hashInvitationCode('old'), name: 'dan', role: 'clinician', expiresAt: now });
    expect((await findUsableInvitation(db, codeHash))?.name).toBe('carol');
    const [first, second] = await Promise.all([redeemInvitation(db, codeHash), redeemInvitation(db, codeHash)]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect(await findUsableInvitation(db, codeHash)).toBeNull();
    expect(await redeemInvitation(db, hashInvitationCode('old'))).toBeNull();
  });

  it('takes a challenge once, only of its kind and before it expires', async () => {
    const later = new Date(Date.now() + 60_000);
    await createChallenge(db, { challenge: 'c1', kind: 'session', subject: 'alice', expiresAt: later });
    await createChallenge(db, { challenge: 'c2', kind: 'session', subject: null, expiresAt: new Date(Date.now() - 1) });
    expect(await takeChallenge(db, 'c1', 'passkey-login')).toBeNull();
    const taken = await Promise.all([takeChallenge(db, 'c1', 'session'), takeChallenge(db, 'c1', 'session')]);
    expect(taken.filter(Boolean)).toEqual([{ challenge: 'c1', kind: 'session', subject: 'alice', expiresAt: later }]);
    expect(await takeChallenge(db, 'c2', 'session')).toBeNull();
  });

  it('keeps passkeys and moves their counter by compare-and-set', async () => {
    const publicKey = new Uint8Array([1, 2, 3, 250]);
    await addPasskey(db, { credentialId: 'cred', accountId: bob.id, publicKey, counter: 0, transports: ['usb'] });
    expect(await getPasskey(db, 'cred')).toEqual({
      credentialId: 'cred',
      accountId: bob.id,
      publicKey,
      counter: 0,
      transports: ['usb'],
    });
    expect(await updatePasskeyCounter(db, 'cred', 0, 5)).toBe(true);
    expect(await updatePasskeyCounter(db, 'cred', 0, 6)).toBe(false);
    expect((await getPasskey(db, 'cred'))?.counter).toBe(5);
  });

  it('creates a server secret once and hands the same one out after', async () => {
    const first = await getOrCreateSecret(db, 'jwt', () => new Uint8Array(32).fill(7));
    const second = await getOrCreateSecret(db, 'jwt', () => new Uint8Array(32).fill(9));
    expect(second).toEqual(first);
    expect(first[0]).toBe(7);
  });

  it('stores a study with its owner key, shares and revokes with version compare-and-set', async () => {
    const uid = '2.25.1001';
    const study = await insertStudy(db, {
      uid,
      ownerId: alice.id,
      modality: 'MR',
      frames: 3,
      packageBytes: 12345,
      packageSha256: 'ab'.repeat(32),
      recordJws: 'jws-v1',
      ownerWrappedKey: 'jwe-alice',
    });
    expect(study).toMatchObject({ uid, ownerName: 'alice', version: 1, consent: 'given', packageBytes: 12345 });
    await expect(insertStudy(db, { ...study, ownerWrappedKey: 'x', recordJws: 'x' })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect((await listMyStudies(db, alice.id)).map((s) => s.uid)).toEqual([uid]);
    expect(await getStudyForReader(db, uid, alice.id)).toMatchObject({ wrappedKey: 'jwe-alice', grant: null });
    expect(await getStudyForReader(db, uid, bob.id)).toBeNull();

    const until = new Date('2030-01-01T00:00:00.000Z');
    const base = { uid, readerId: bob.id, wrappedKey: 'jwe-bob', purpose: 'second-opinion' as const, until };
    expect(await shareStudy(db, { ...base, expectedVersion: 1, recordJws: 'jws-v2' })).toBe(2);
    // A stale record (signed against version 1) is refused and changes nothing.
    const stale = shareStudy(db, { ...base, expectedVersion: 1, recordJws: 'jws-stale', wrappedKey: 'evil' });
    await expect(stale).rejects.toBeInstanceOf(StoreError);
    await expect(stale).rejects.toMatchObject({ code: 'stale-version' });
    await expect(
      shareStudy(db, { ...base, uid: '2.25.404', expectedVersion: 1, recordJws: 'x' }),
    ).rejects.toMatchObject({ code: 'not-found' });
    expect(await getStudy(db, uid)).toMatchObject({ version: 2, recordJws: 'jws-v2' });
    expect(await getStudyForReader(db, uid, bob.id)).toMatchObject({
      wrappedKey: 'jwe-bob',
      grant: { purpose: 'second-opinion', until },
    });
    expect(await listKeyHolders(db, uid)).toEqual([alice.id, bob.id].sort());
    expect(await listReaders(db, uid)).toMatchObject([{ readerName: 'bob', purpose: 'second-opinion', until }]);
    const shared = await listSharedWithMe(db, bob.id);
    expect(shared.map((s) => [s.uid, s.ownerName, s.grant.purpose])).toEqual([[uid, 'alice', 'second-opinion']]);
    expect(await listSharedWithMe(db, bob.id, new Date('2031-01-01'))).toEqual([]);
    expect(await listSharedWithMe(db, alice.id)).toEqual([]);
    // withdrawn consent takes the study off the reader's list (the policy refuses the read); restored, it is back
    expect(await setConsent(db, uid, 'withdrawn')).toBe(true);
    expect(await listSharedWithMe(db, bob.id)).toEqual([]);
    expect(await setConsent(db, uid, 'given')).toBe(true);
    expect((await listSharedWithMe(db, bob.id)).map((s) => s.uid)).toEqual([uid]);

    // Two concurrent changes from version 2: exactly one wins.
    const racing = await Promise.allSettled([
      revokeStudyReader(db, { uid, readerId: bob.id, expectedVersion: 2, recordJws: 'jws-v3a' }),
      revokeStudyReader(db, { uid, readerId: bob.id, expectedVersion: 2, recordJws: 'jws-v3b' }),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await getStudy(db, uid))?.version).toBe(3);
    expect(await getStudyForReader(db, uid, bob.id)).toBeNull();
    expect(await listReaders(db, uid)).toEqual([]);

    expect(await setConsent(db, uid, 'withdrawn')).toBe(true);
    expect((await getStudy(db, uid))?.consent).toBe('withdrawn');
    expect(await setConsent(db, '2.25.404', 'given')).toBe(false);
  });

  it('rolls a share back with the caller’s transaction', async () => {
    const uid = '2.25.1002';
    await insertStudy(db, {
      uid,
      ownerId: alice.id,
      modality: 'CT',
      frames: 1,
      packageBytes: 1,
      packageSha256: 'cd'.repeat(32),
      recordJws: 'v1',
      ownerWrappedKey: 'k',
    });
    await expect(
      db.transaction(async (tx) => {
        await shareStudy(tx, {
          uid,
          readerId: bob.id,
          wrappedKey: 'k',
          purpose: 'treatment',
          expectedVersion: 1,
          recordJws: 'v2',
        });
        throw new Error('audit failed');
      }),
    ).rejects.toThrow('audit failed');
    expect((await getStudy(db, uid))?.version).toBe(1);
    expect(await getStudyForReader(db, uid, bob.id)).toBeNull();
  });
});
