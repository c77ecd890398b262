/**
 * The whole sharing flow through the HTTP routes, on PGlite and on PostgreSQL: alice
 * uploads, lists, shares with bob; bob lists and downloads (and opens the bundle with
 * his own key); alice revokes; bob gets 404 like a stranger. Every step's decision is
 * in the audit log, and the chain verifies.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDownloadedBundle } from '../../../lib/sharing/sharedPackage';
import { reshareRecord } from '../../../lib/sharing/sharedPackage';
import { decodeRecordUnverified } from '../../../lib/sharing/record';
import { createServerClient } from '../../../lib/serverClient/client';
import { describeOnBothDatabases } from '../../../testing/databases';
import { appendAudit } from '../audit';
import { openDatabase } from '../db';
import {
  bearer,
  ORIGIN,
  newUser,
  sealStudy,
  shareBody,
  startHarness,
  stow,
  type Harness,
  HOOK_TIMEOUT_MS,
} from './routeHarness';

describeOnBothDatabases('routes: upload, share, read, revoke', (suite) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(await openDatabase(await suite.freshDatabase()));
  }, HOOK_TIMEOUT_MS);
  afterEach(async () => h?.close(), HOOK_TIMEOUT_MS);

  it('alice uploads and shares with bob, bob reads, alice revokes, bob gets 404', async () => {
    const alice = await newUser(h, 'alice');
    const bob = await newUser(h, 'bob');
    const auditor = await newUser(h, 'audrey', 'auditor');

    const me = await h.app.inject({ method: 'GET', url: '/api/me', headers: bearer(alice) });
    expect(me.json()).toEqual({ id: alice.id, name: 'alice', role: 'clinician' });

    const sealed = await sealStudy(alice);
    const stored = await stow(h.app, alice, [sealed.bundle]);
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json()).toEqual({ stored: [{ id: sealed.study, version: 1 }], failed: [] });
    // security headers and no caching on API answers
    expect(stored.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(stored.headers['cache-control']).toBe('no-store');

    const mine = await h.app.inject({ method: 'GET', url: '/api/dicomweb/studies?scope=mine', headers: bearer(alice) });
    expect(mine.headers['content-type']).toContain('application/dicom+json');
    expect(mine.json()[0]['0020000D'].Value).toEqual([sealed.study]);
    expect(mine.json()[0]['00111013'].Value).toEqual([1]);

    // bob cannot read before the share: 404, the same answer as an unknown study
    const before = await h.app.inject({
      method: 'GET',
      url: `/api/dicomweb/studies/${sealed.study}`,
      headers: bearer(bob),
    });
    const unknown = await h.app.inject({
      method: 'GET',
      url: '/api/dicomweb/studies/2.25.12345',
      headers: bearer(bob),
    });
    expect(before.statusCode).toBe(404);
    expect(before.body).toBe(unknown.body);

    const bobKeys = await h.app.inject({ method: 'GET', url: '/api/accounts/bob', headers: bearer(alice) });
    expect(bobKeys.json().wrapJwk).toEqual(bob.keys.wrapJwk);
    const share = await h.app.inject({
      method: 'PUT',
      url: `/api/studies/${sealed.study}/readers/bob`,
      headers: bearer(alice),
      payload: await shareBody(alice, sealed, sealed.record, [bob], bob),
    });
    expect(share.statusCode, share.body).toBe(200);
    expect(share.json()).toEqual({ version: 2 });

    const readers = await h.app.inject({
      method: 'GET',
      url: `/api/studies/${sealed.study}/readers`,
      headers: bearer(alice),
    });
    expect(readers.json()).toEqual([expect.objectContaining({ name: 'bob', purpose: 'second-opinion', until: null })]);

    const shared = await h.app.inject({
      method: 'GET',
      url: '/api/dicomweb/studies?scope=shared',
      headers: bearer(bob),
    });
    expect(shared.json()).toHaveLength(1);
    expect(shared.json()[0]['00111014'].Value).toEqual(['second-opinion']);

    const download = await h.app.inject({
      method: 'GET',
      url: `/api/dicomweb/studies/${sealed.study}`,
      headers: bearer(bob),
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/vnd.cipherscan.bundle');
    const opened = await openDownloadedBundle(new Uint8Array(download.rawPayload), {
      me: { id: bob.id, wrapKey: bob.keys.wrap.privateKey },
      ownerSignJwk: alice.keys.signJwk,
      expectOwner: alice.id,
      expectStudy: sealed.study,
      readers: [bob.id],
    });
    expect(opened.header.version).toBe(2);

    // revoke: a version-3 record whose readers are alice alone
    const currentRecord = (await h.db.query<{ r: string }>('SELECT record_jws AS r FROM studies')).rows[0].r;
    const { record } = await reshareRecord({
      header: decodeRecordUnverified(currentRecord),
      readers: [],
      signKey: alice.keys.sign.privateKey,
    });
    const revoke = await h.app.inject({
      method: 'DELETE',
      url: `/api/studies/${sealed.study}/readers/bob`,
      headers: bearer(alice),
      payload: { record },
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    expect(revoke.json()).toEqual({ version: 3 });
    const after = await h.app.inject({
      method: 'GET',
      url: `/api/dicomweb/studies/${sealed.study}`,
      headers: bearer(bob),
    });
    expect(after.statusCode).toBe(404);
    expect(after.body).toBe(unknown.body);

    // the audit log: alice's study entries for her; bob may not see them; the auditor verifies the chain
    const log = await h.app.inject({ method: 'GET', url: `/api/audit?study=${sealed.study}`, headers: bearer(alice) });
    const actions = log.json().map((e: { action: string; decision: string }) => `${e.action}:${e.decision}`);
    expect(actions).toEqual(
      expect.arrayContaining(['upload:allow', 'share:allow', 'read:allow', 'revoke:allow', 'read:deny']),
    );
    expect(log.json()[0].reason).toMatch(/clinician-upload/);
    const bobLog = await h.app.inject({ method: 'GET', url: `/api/audit?study=${sealed.study}`, headers: bearer(bob) });
    expect(bobLog.statusCode).toBe(404);
    const verify = await h.app.inject({ method: 'GET', url: '/api/audit/verify', headers: bearer(auditor) });
    expect(verify.json()).toMatchObject({ ok: true });
    expect(verify.json().entries).toBeGreaterThan(8);
    const aliceVerify = await h.app.inject({ method: 'GET', url: '/api/audit/verify', headers: bearer(alice) });
    expect(aliceVerify.statusCode).toBe(403);
  });

  it('an auditor pages through the whole log with after=seq; a malformed after is 400', async () => {
    const auditor = await newUser(h, 'audrey', 'auditor');
    // more than one page (1000) of entries
    await h.db.transaction(async (tx) => {
      for (let i = 0; i < 1000; i++)
        await appendAudit(tx, { actor: 'op', action: 'list', resource: 'server', decision: 'allow' });
    });
    const get = (query: string) => h.app.inject({ method: 'GET', url: `/api/audit${query}`, headers: bearer(auditor) });
    const seqs = async (query: string) => {
      const answer = await get(query);
      expect(answer.statusCode, answer.body).toBe(200);
      return answer.json().map((e: { seq: number }) => e.seq) as number[];
    };
    const first = await seqs('');
    expect(first).toHaveLength(1000);
    const second = await seqs(`?after=${first[999]}`);
    expect(second.length).toBeGreaterThan(0);
    // consecutive: nothing skipped, nothing twice
    expect([...first, ...second]).toEqual(Array.from({ length: 1000 + second.length }, (_, i) => i + 1));
    expect((await seqs('?after=5'))[0]).toBe(6);
    for (const after of ['abc', '-1', '1.5', '01', '', '9'.repeat(16)])
      expect((await get(`?after=${after}`)).statusCode, after).toBe(400);
  });

  it('the HTTP client of src/lib/serverClient speaks these routes (sign in, upload, search, share, retrieve, audit)', async () => {
    const alice = await newUser(h, 'alice');
    const bob = await newUser(h, 'bob');
    const client = createServerClient({ baseUrl: ORIGIN, fetch: h.fetch });
    await client.signIn('alice', alice.keys.sign.privateKey);
    expect(await client.me()).toMatchObject({ name: 'alice' });
    const sealed = await sealStudy(alice);
    expect(await client.upload([sealed.bundle])).toEqual({ stored: [{ id: sealed.study, version: 1 }], failed: [] });
    const [summary] = await client.search('mine');
    expect(summary).toMatchObject({ uid: sealed.study, modality: 'MR', frames: 1, ownerName: 'alice', version: 1 });
    expect(Math.abs(Date.parse(summary.uploadedAt) - Date.now())).toBeLessThan(120_000);
    const share = await shareBody(alice, sealed, sealed.record, [bob], bob, 'treatment');
    const until = new Date(Date.now() + 86_400_000).toISOString();
    expect(await client.share(sealed.study, 'bob', { ...share, purpose: 'treatment', until })).toEqual({ version: 2 });
    expect(await client.readers(sealed.study)).toEqual([expect.objectContaining({ name: 'bob', until })]);
    const bobClient = createServerClient({ baseUrl: ORIGIN, fetch: h.fetch, token: bob.token });
    const [shared] = await bobClient.search('shared');
    expect(shared).toMatchObject({ uid: sealed.study, purpose: 'treatment', until, version: 2 });
    expect((await bobClient.retrieve(sealed.study)).length).toBe(
      sealed.bundle.length - sealed.wrappedKey.length + share.wrappedKey.length,
    );
    await expect(bobClient.retrieve('2.25.1')).rejects.toMatchObject({ status: 404, code: 'not-found' });
    expect((await client.audit({ study: sealed.study })).length).toBeGreaterThan(2);
  });

  it('consent withdrawn closes the study to a reader (403: the reader knows it exists), not to the owner', async () => {
    const alice = await newUser(h, 'alice');
    const bob = await newUser(h, 'bob');
    const sealed = await sealStudy(alice);
    expect((await stow(h.app, alice, [sealed.bundle])).statusCode).toBe(200);
    const share = await h.app.inject({
      method: 'PUT',
      url: `/api/studies/${sealed.study}/readers/bob`,
      headers: bearer(alice),
      payload: await shareBody(alice, sealed, sealed.record, [bob], bob, 'treatment'),
    });
    expect(share.statusCode).toBe(200);
    const withdraw = await h.app.inject({
      method: 'PUT',
      url: `/api/studies/${sealed.study}/consent`,
      headers: bearer(alice),
      payload: { consent: 'withdrawn' },
    });
    expect(withdraw.json()).toEqual({ consent: 'withdrawn' });
    const bobRead = await h.app.inject({
      method: 'GET',
      url: `/api/dicomweb/studies/${sealed.study}`,
      headers: bearer(bob),
    });
    expect(bobRead.statusCode).toBe(403);
    const aliceRead = await h.app.inject({
      method: 'GET',
      url: `/api/dicomweb/studies/${sealed.study}`,
      headers: bearer(alice),
    });
    expect(aliceRead.statusCode).toBe(200);
  });
});
