/**
 * Hostile and mistaken requests, each refused with the contract's status and
 * `{error, message}`, and each changing nothing: the row counts of every table but the
 * audit log (which records denies), the record versions and the blob directory are the
 * same before and after. Runs on PGlite and PostgreSQL.
 */
import type { InjectOptions } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { encodeStowBody } from '../../../lib/serverClient/multipart';
import { reshareRecord } from '../../../lib/sharing/sharedPackage';
import { decodeRecordUnverified } from '../../../lib/sharing/record';
import { describeOnBothDatabases } from '../../../testing/databases';
import { issueSessionToken } from '../auth/tokens';
import { openDatabase } from '../db';
import { MAX_CONTRIBUTION_BYTES, MAX_SEALED_KEY_CHARS } from '../federated/service';
import { MAX_GALOIS_KEY_BYTES, MAX_INFER_BODY_BYTES } from '../he/service';
import { getOrCreateSecret } from '../store';
import { SESSION_SECRET_NAME } from '.';
import {
  bearer,
  newUser,
  ORIGIN,
  sealStudy,
  shareBody,
  snapshot,
  startHarness,
  stow,
  type Harness,
  type User,
  HOOK_TIMEOUT_MS,
} from './routeHarness';
import type { SealedUpload } from '../../../lib/sharing/sharedPackage';

describeOnBothDatabases('routes: refusals change nothing', (suite) => {
  let h: Harness;
  let alice: User;
  let bob: User;
  let sealed: SealedUpload;

  beforeEach(async () => {
    h = await startHarness(await openDatabase(await suite.freshDatabase()), { maxUploadBytes: 2048 });
    alice = await newUser(h, 'alice');
    bob = await newUser(h, 'bob');
    sealed = await sealStudy(alice);
    expect((await stow(h.app, alice, [sealed.bundle])).statusCode).toBe(200);
  }, HOOK_TIMEOUT_MS);
  afterEach(async () => h?.close(), HOOK_TIMEOUT_MS);

  /** Sends the request and checks status, error shape and that nothing changed. */
  async function refused(request: InjectOptions, status: number, error?: string) {
    const before = await snapshot(h);
    const answer = await h.app.inject(request);
    expect(answer.statusCode, answer.body).toBe(status);
    const body = answer.json();
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['error', 'message']));
    if (error) expect(body.error).toBe(error);
    expect(answer.body).not.toMatch(/at .*\.ts:\d+|stack/i);
    expect(await snapshot(h)).toEqual(before);
    return answer;
  }

  const stowRequest = (contentType: string, payload: Buffer | string, user: User = alice) => ({
    method: 'POST' as const,
    url: '/api/dicomweb/studies',
    headers: { ...bearer(user), 'content-type': contentType },
    payload,
  });

  it('uploads: too large 413, truncated 400, wrong content type 415, not a bundle 400, a replayed study 409', async () => {
    const big = encodeStowBody([new Uint8Array(70 * 1024)]);
    await refused(stowRequest(big.contentType, Buffer.from(big.body)), 413, 'too-large');
    const second = await sealStudy(alice);
    const ok = encodeStowBody([second.bundle]);
    await refused(stowRequest(ok.contentType, Buffer.from(ok.body).subarray(0, ok.body.length - 12)), 400);
    await refused(stowRequest('text/plain', 'hello'), 415, 'unsupported-media-type');
    await refused(stowRequest('application/json', '{}'), 415, 'unsupported-media-type');
    const wrongType = encodeStowBody([second.bundle]);
    await refused(
      stowRequest(wrongType.contentType.replace('vnd.cipherscan.bundle', 'dicom'), Buffer.from(wrongType.body)),
      415,
    );
    const junk = encodeStowBody([new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])]);
    await refused(stowRequest(junk.contentType, Buffer.from(junk.body)), 400, 'bad-bundle');
    const again = encodeStowBody([sealed.bundle]);
    await refused(stowRequest(again.contentType, Buffer.from(again.body)), 409, 'conflict');
    // bob uploading alice's signed bundle: the record is not his (its owner is alice)
    await refused(stowRequest(ok.contentType, Buffer.from(ok.body), bob), 400);
    // a package over the limit inside a body under it: refused by the bundle's own limit
    const fat = await sealStudy(alice, 4096);
    const fatBody = encodeStowBody([fat.bundle]);
    await refused(stowRequest(fatBody.contentType, Buffer.from(fatBody.body)), 413);
  });

  it('one bad part among good ones: 202, the good part stored, the bad one reported', async () => {
    const good = await sealStudy(alice);
    const answer = await stow(h.app, alice, [good.bundle, new Uint8Array([9, 9, 9])]);
    expect(answer.statusCode).toBe(202);
    expect(answer.json().stored).toEqual([{ id: good.study, version: 1 }]);
    expect(answer.json().failed).toEqual([expect.objectContaining({ part: 1, error: 'bad-bundle' })]);
  });

  it('ids: unknown and foreign studies answer the same 404; malformed ids and path tricks 404', async () => {
    const foreign = await refused(
      { method: 'GET', url: `/api/dicomweb/studies/${sealed.study}`, headers: bearer(bob) },
      404,
    );
    const unknown = await refused(
      { method: 'GET', url: '/api/dicomweb/studies/2.25.987654321', headers: bearer(bob) },
      404,
    );
    expect(foreign.body).toBe(unknown.body);
    expect(foreign.headers['content-length']).toBe(unknown.headers['content-length']);
    const readersForeign = await refused(
      { method: 'GET', url: `/api/studies/${sealed.study}/readers`, headers: bearer(bob) },
      404,
    );
    expect(readersForeign.body).toBe(unknown.body);
    for (const url of [
      '/api/dicomweb/studies/2.25.12ab',
      '/api/dicomweb/studies/..%2f..%2fetc%2fpasswd',
      `/api/dicomweb/studies/${sealed.study}%2f..`,
      '/api/accounts/..%2fbob',
      '/api/accounts/Bob',
      '/api/nowhere',
    ])
      await refused({ method: 'GET', url, headers: bearer(alice) }, 404, 'not-found');
  });

  it('tokens: none, expired, tampered 401; challenges: replayed, for another name, wrong signer 401', async () => {
    await refused({ method: 'GET', url: '/api/me' }, 401);
    const secret = await getOrCreateSecret(h.db, SESSION_SECRET_NAME, () => new Uint8Array(32));
    const old = await issueSessionToken(
      secret,
      { id: alice.id, role: 'clinician' },
      { now: new Date(Date.now() - 3_600_000) },
    );
    const expired = await refused({ method: 'GET', url: '/api/me', headers: bearer(old) }, 401, 'session-expired');
    expect(expired.body).not.toContain(old.token);
    const [head, payload, signature] = alice.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: bob.id })).toString('base64url');
    await refused({ method: 'GET', url: '/api/me', headers: bearer({ token: `${head}.${forged}.${signature}` }) }, 401);
    const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
    await refused({ method: 'GET', url: '/api/me', headers: bearer({ token: `${head}.${payload}.${flipped}` }) }, 401);

    // a challenge answered once cannot be answered again
    const challenge = (
      await h.app.inject({ method: 'POST', url: '/api/auth/challenge', payload: { name: 'alice' } })
    ).json();
    const { signChallenge } = await import('../../../lib/serverClient/challenge');
    const signed = await signChallenge(challenge.challenge, ORIGIN, alice.keys.sign.privateKey);
    const body = { name: 'alice', challenge: challenge.challenge, signature: signed };
    expect((await h.app.inject({ method: 'POST', url: '/api/auth/session', payload: body })).statusCode).toBe(200);
    await refused({ method: 'POST', url: '/api/auth/session', payload: body }, 401, 'unauthorized');
    // bob's key answering alice's challenge; a signature for another server
    const c2 = (await h.app.inject({ method: 'POST', url: '/api/auth/challenge', payload: { name: 'alice' } })).json();
    const bobSigned = await signChallenge(c2.challenge, ORIGIN, bob.keys.sign.privateKey);
    await refused(
      {
        method: 'POST',
        url: '/api/auth/session',
        payload: { name: 'alice', challenge: c2.challenge, signature: bobSigned },
      },
      401,
    );
    const c3 = (await h.app.inject({ method: 'POST', url: '/api/auth/challenge', payload: { name: 'alice' } })).json();
    const elsewhere = await signChallenge(c3.challenge, 'http://evil.example', alice.keys.sign.privateKey);
    await refused(
      {
        method: 'POST',
        url: '/api/auth/session',
        payload: { name: 'alice', challenge: c3.challenge, signature: elsewhere },
      },
      401,
    );
    // an unknown name still gets a challenge (existence does not leak), but no session
    expect(
      (await h.app.inject({ method: 'POST', url: '/api/auth/challenge', payload: { name: 'nobody' } })).statusCode,
    ).toBe(200);
  });

  it('routes that take bodies over 128 KiB answer 401 on the request line, before reading the body', async () => {
    // Content-Length above the route's own limit: a route that read the body before the token would answer 413.
    const id = 'A'.repeat(22);
    const routes: [InjectOptions['method'], string, string, number][] = [
      ['POST', '/api/he/sessions?model=vit-brain-mri&params=p', 'application/octet-stream', MAX_GALOIS_KEY_BYTES],
      ['POST', `/api/he/sessions/${id}/infer`, 'application/octet-stream', MAX_INFER_BODY_BYTES],
      ['PUT', `/api/federated/networks/${id}/keys/1`, 'text/plain', MAX_SEALED_KEY_CHARS + 1024],
      ['POST', `/api/federated/networks/${id}/rounds/1/seats/0`, 'application/octet-stream', MAX_CONTRIBUTION_BYTES],
      ['POST', '/api/dicomweb/studies', 'multipart/related; type="application/x"; boundary=b', 2048 + 64 * 1024],
    ];
    const secret = await getOrCreateSecret(h.db, SESSION_SECRET_NAME, () => new Uint8Array(32));
    const old = await issueSessionToken(
      secret,
      { id: alice.id, role: 'clinician' },
      { now: new Date(Date.now() - 3_600_000) },
    );
    const payload = Buffer.alloc(256 * 1024);
    for (const [method, url, type, limit] of routes) {
      const headers = { 'content-type': type, 'content-length': String(limit + 1) };
      await refused({ method, url, headers, payload }, 401, 'unauthorized');
      await refused({ method, url, headers: { ...headers, ...bearer(old) }, payload }, 401, 'session-expired');
    }
  });

  it('cross-site requests 403; bodies with extra or oversized members 400', async () => {
    await refused(
      { method: 'GET', url: '/api/me', headers: { ...bearer(alice), origin: 'https://evil.example' } },
      403,
      'cross-origin',
    );
    await refused(
      { method: 'GET', url: '/api/me', headers: { ...bearer(alice), 'sec-fetch-site': 'cross-site' } },
      403,
    );
    const same = await h.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { ...bearer(alice), origin: ORIGIN, 'sec-fetch-site': 'same-origin' },
    });
    expect(same.statusCode).toBe(200);
    await refused({ method: 'POST', url: '/api/auth/challenge', payload: { name: 'alice', admin: true } }, 400);
    await refused({ method: 'POST', url: '/api/auth/challenge', payload: { name: 'a'.repeat(100) } }, 400);
    await refused(
      {
        method: 'PUT',
        url: `/api/studies/${sealed.study}/consent`,
        headers: bearer(alice),
        payload: { consent: 'maybe' },
      },
      400,
    );
  });

  it('an API path in percent-escapes gets 400, never past the guards; a malformed escape 400', async () => {
    // the router takes /%61pi/me for /api/me: it must not be served without the /api guards (here: 401, not 403)
    const foreign = { ...bearer(alice), origin: 'https://evil.example' };
    for (const url of ['/%61pi/me', '/api%2Fme', '/%41PI/me', '/api/%ZZ', '/%ZZ/api'])
      await refused({ method: 'GET', url, headers: foreign }, 400, 'bad-request');
    // escapes inside a path already under /api: the guards apply
    await refused({ method: 'GET', url: '/api/%6De', headers: foreign }, 403, 'cross-origin');
    // an escaped slash is not a separator for the router either: not an API route
    await refused({ method: 'GET', url: '/%2Fapi/me', headers: bearer(alice) }, 404, 'not-found');
    await refused({ method: 'GET', url: '/%61pi/me', headers: bearer(alice) }, 400, 'bad-request');
    await refused({ method: 'POST', url: '/%61pi/auth/challenge', payload: { name: 'alice' } }, 400, 'bad-request');
    // escapes in a query are the query's business
    const query = await h.app.inject({ method: 'GET', url: '/api/me?x=%61', headers: bearer(alice) });
    expect(query.statusCode).toBe(200);
  });

  it('records: stale or replayed version 409, signed by someone else 400, wrong reader hash 400, not the owner 403/404', async () => {
    const url = `/api/studies/${sealed.study}/readers/bob`;
    const first = await shareBody(alice, sealed, sealed.record, [bob], bob);
    // version 3 when the study is at 1
    const skip = await reshareRecord({
      header: decodeRecordUnverified(first.record),
      readers: [bob.id],
      signKey: alice.keys.sign.privateKey,
    });
    await refused(
      { method: 'PUT', url, headers: bearer(alice), payload: { ...first, record: skip.record } },
      409,
      'wrong-version',
    );
    // signed with bob's key
    const { record: bobSigned } = await reshareRecord({
      header: sealed.header,
      readers: [bob.id],
      signKey: bob.keys.sign.privateKey,
    });
    await refused(
      { method: 'PUT', url, headers: bearer(alice), payload: { ...first, record: bobSigned } },
      400,
      'bad-signature',
    );
    // a reader list that leaves bob out
    const { record: noBob } = await reshareRecord({
      header: sealed.header,
      readers: [],
      signKey: alice.keys.sign.privateKey,
    });
    await refused(
      { method: 'PUT', url, headers: bearer(alice), payload: { ...first, record: noBob } },
      400,
      'not-a-reader',
    );
    // bob sharing alice's study: he holds no key, so it does not exist for him
    await refused(
      { method: 'PUT', url: `/api/studies/${sealed.study}/readers/alice`, headers: bearer(bob), payload: first },
      404,
    );

    expect((await h.app.inject({ method: 'PUT', url, headers: bearer(alice), payload: first })).statusCode).toBe(200);
    // the same version-2 record again: a replay
    await refused({ method: 'PUT', url, headers: bearer(alice), payload: first }, 409);
    // bob, now a reader, may not share further: 403 (he knows the study exists)
    await refused(
      { method: 'PUT', url: `/api/studies/${sealed.study}/readers/alice`, headers: bearer(bob), payload: first },
      403,
    );
    await refused(
      {
        method: 'PUT',
        url: `/api/studies/${sealed.study}/consent`,
        headers: bearer(bob),
        payload: { consent: 'withdrawn' },
      },
      403,
    );
  });

  it('readers: share to an unknown account 404, to the owner 400, until in the past 400; revoke a non-reader 404', async () => {
    const base = `/api/studies/${sealed.study}/readers`;
    const toBob = await shareBody(alice, sealed, sealed.record, [bob], bob);
    const put = (name: string, payload: object) => ({
      method: 'PUT' as const,
      url: `${base}/${name}`,
      headers: bearer(alice),
      payload,
    });
    await refused(put('carol', toBob), 404);
    // the reader is checked before the date: an unknown reader with a bad date is still 404
    await refused(put('carol', { ...toBob, until: '2000-01-01T00:00:00Z' }), 404);
    await refused(put('alice', toBob), 400, 'bad-request');
    await refused(put('bob', { ...toBob, until: '2000-01-01T00:00:00Z' }), 400, 'bad-request');
    await refused(put('bob', { ...toBob, until: 'tomorrow-ish' }), 400, 'bad-request');
    // bob holds no key yet: revoking him is a 404, like revoking an unknown account or the owner
    const { record: none } = await reshareRecord({
      header: sealed.header,
      readers: [],
      signKey: alice.keys.sign.privateKey,
    });
    const del = (name: string) => ({
      method: 'DELETE' as const,
      url: `${base}/${name}`,
      headers: bearer(alice),
      payload: { record: none },
    });
    for (const name of ['bob', 'carol', 'alice']) await refused(del(name), 404);
  });
});

describeOnBothDatabases('routes: rate limits', (suite) => {
  it('the sign-in routes answer 429 past the limit, per IP and per account', async () => {
    const h = await startHarness(await openDatabase(await suite.freshDatabase()), {
      rateLimit: { authPerIp: 1000, authPerAccount: 3, apiPerIp: 1000 },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (await h.app.inject({ method: 'POST', url: '/api/auth/challenge', payload: { name: 'carol' } })).statusCode,
        );
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const limited = await h.app.inject({ method: 'POST', url: '/api/auth/challenge', payload: { name: 'carol' } });
      expect(limited.json().error).toBe('rate-limited');
      // another account from the same address still gets through
      expect(
        (await h.app.inject({ method: 'POST', url: '/api/auth/challenge', payload: { name: 'dave' } })).statusCode,
      ).toBe(200);
    } finally {
      await h.close();
    }
    const perIp = await startHarness(await openDatabase(await suite.freshDatabase()), {
      rateLimit: { authPerIp: 2, authPerAccount: 1000, apiPerIp: 1000 },
    });
    try {
      const statuses: number[] = [];
      for (const name of ['e1', 'e2', 'e3'])
        statuses.push(
          (await perIp.app.inject({ method: 'POST', url: '/api/auth/challenge', payload: { name: `${name}x` } }))
            .statusCode,
        );
      expect(statuses).toEqual([200, 200, 429]);
      // the same route under an escaped path is not a way around the limit
      const escaped = await perIp.app.inject({
        method: 'POST',
        url: '/%61pi/auth/challenge',
        payload: { name: 'e4x' },
      });
      expect(escaped.statusCode).not.toBe(200);
    } finally {
      await perIp.close();
    }
  });
});
