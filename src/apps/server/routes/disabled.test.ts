/**
 * Off-boarding (docs/server.md, "Admin socket" and "HTTP API"): the operator's
 * disableAccount keeps the account's row, sets its role to 'disabled' and audits it
 * in one transaction; from the next request its existing session gets 403
 * `account-disabled` everywhere (routes that ask Cedar and those that do not), signing
 * in (signed challenge or passkey) gives no token, and nobody can share a study with
 * it. Runs on PGlite and PostgreSQL.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { generateAccountKeys } from '../../../lib/sharing/accountKeys';
import { decodeRecordUnverified } from '../../../lib/sharing/record';
import { reshareRecord, type SealedUpload } from '../../../lib/sharing/sharedPackage';
import { describeOnBothDatabases } from '../../../testing/databases';
import { softwareAuthenticator } from '../../../testing/softwareAuthenticator';
import { AdminError, disableAccount } from '../admin/operations';
import { listAudit } from '../audit';
import { openDatabase } from '../db';
import { getAccountByName } from '../store';
import {
  bearer,
  HOOK_TIMEOUT_MS,
  invite,
  newUser,
  ORIGIN,
  sealStudy,
  shareBody,
  signIn,
  snapshot,
  startHarness,
  stow,
  type Harness,
  type User,
} from './routeHarness';

const DISABLED = { error: 'account-disabled', message: "this account is disabled: ask your hospital's administrator" };

describeOnBothDatabases('routes: disabled accounts', (suite) => {
  let h: Harness;
  let alice: User;
  let bob: User;
  let sealed: SealedUpload;

  beforeEach(async () => {
    h = await startHarness(await openDatabase(await suite.freshDatabase()));
    alice = await newUser(h, 'alice');
    bob = await newUser(h, 'bob');
    sealed = await sealStudy(alice);
    expect((await stow(h.app, alice, [sealed.bundle])).statusCode).toBe(200);
  }, HOOK_TIMEOUT_MS);
  afterEach(async () => h?.close(), HOOK_TIMEOUT_MS);

  const auditCount = async () => (await listAudit(h.db, { limit: 1000 })).length;

  it('disableAccount keeps the row, audits the previous role, and refuses unknown or disabled accounts', async () => {
    const entries = await auditCount();
    await expect(disableAccount(h.db, { name: 'nobody' })).rejects.toThrow(AdminError);
    await expect(disableAccount(h.db, { name: 'Bob!' })).rejects.toThrow(AdminError);
    expect(await auditCount()).toBe(entries);

    expect(await disableAccount(h.db, { name: 'bob' })).toEqual({ name: 'bob', previousRole: 'clinician' });
    expect(await getAccountByName(h.db, 'bob')).toMatchObject({ id: bob.id, role: 'disabled' });
    const log = await listAudit(h.db, { limit: 1000 });
    expect(log).toHaveLength(entries + 1);
    expect(log.at(-1)).toMatchObject({
      actor: 'operator',
      action: 'disable',
      resource: 'account:bob',
      decision: 'allow',
      reason: expect.stringContaining('previous-role=clinician'),
    });

    await expect(disableAccount(h.db, { name: 'bob' })).rejects.toThrow(/disabled already/);
    expect(await auditCount()).toBe(entries + 1);
  });

  it("a disabled reader's existing session gets 403 everywhere at once, and signing in gives no token", async () => {
    const share = await shareBody(alice, sealed, sealed.record, [bob], bob);
    const url = `/api/studies/${sealed.study}/readers/bob`;
    expect((await h.app.inject({ method: 'PUT', url, headers: bearer(alice), payload: share })).statusCode).toBe(200);
    const requests = [
      '/api/me',
      '/api/accounts/alice',
      '/api/dicomweb/studies',
      '/api/dicomweb/studies?scope=shared',
      `/api/dicomweb/studies/${sealed.study}`,
    ];
    for (const path of requests)
      expect((await h.app.inject({ method: 'GET', url: path, headers: bearer(bob) })).statusCode, path).toBe(200);

    await disableAccount(h.db, { name: 'bob' });
    for (const path of requests) {
      const answer = await h.app.inject({ method: 'GET', url: path, headers: bearer(bob) });
      expect(answer.statusCode, path).toBe(403);
      expect(answer.json(), path).toEqual(DISABLED);
    }
    // alice is untouched
    expect((await h.app.inject({ method: 'GET', url: '/api/me', headers: bearer(alice) })).statusCode).toBe(200);

    // A challenge is issued for bob as for any name (no leak); the signed answer gets no token.
    const session = await signIn(h.app, 'bob', bob.keys);
    expect(session.statusCode, session.body).toBe(403);
    expect(session.json()).toEqual(DISABLED);
    expect(session.body).not.toContain('token');
  });

  it('a passkey sign-in of a disabled account gives no token', async () => {
    const code = await invite(h.db, 'erin');
    const keys = await generateAccountKeys({ extractable: false });
    const authenticator = softwareAuthenticator({ rpId: 'localhost', origin: ORIGIN, countOnLogin: true });
    const post = (path: string, payload: object) =>
      h.app.inject({ method: 'POST', url: `/api/auth/passkey/${path}`, payload });
    const options = await post('register/options', { code });
    const registered = await post('register/verify', {
      code,
      response: authenticator.register(options.json().challenge),
      signJwk: keys.signJwk,
      wrapJwk: keys.wrapJwk,
    });
    expect(registered.statusCode, registered.body).toBe(200);

    await disableAccount(h.db, { name: 'erin' });
    const login = await post('login/options', {});
    const refused = await post('login/verify', { response: authenticator.login(login.json().challenge) });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json()).toEqual(DISABLED);
  });

  it('sharing with a disabled reader is 409 and changes nothing; revoking one still works', async () => {
    const carol = await newUser(h, 'carol');
    await disableAccount(h.db, { name: 'carol' });
    const toCarol = await shareBody(alice, sealed, sealed.record, [carol], carol);
    const before = await snapshot(h);
    const entries = await auditCount();
    const refused = await h.app.inject({
      method: 'PUT',
      url: `/api/studies/${sealed.study}/readers/carol`,
      headers: bearer(alice),
      payload: toCarol,
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error).toBe('reader-disabled');
    expect(await snapshot(h)).toEqual(before);
    expect(await auditCount()).toBe(entries);
    const readers = await h.app.inject({
      method: 'GET',
      url: `/api/studies/${sealed.study}/readers`,
      headers: bearer(alice),
    });
    expect(readers.json()).toEqual([]);

    // A reader disabled after being given the study can still be taken off it by the owner.
    const toBob = await shareBody(alice, sealed, sealed.record, [bob], bob);
    const url = `/api/studies/${sealed.study}/readers/bob`;
    expect((await h.app.inject({ method: 'PUT', url, headers: bearer(alice), payload: toBob })).statusCode).toBe(200);
    await disableAccount(h.db, { name: 'bob' });
    const { record } = await reshareRecord({
      header: decodeRecordUnverified(toBob.record),
      readers: [],
      signKey: alice.keys.sign.privateKey,
    });
    const revoked = await h.app.inject({ method: 'DELETE', url, headers: bearer(alice), payload: { record } });
    expect(revoked.statusCode, revoked.body).toBe(200);
  });
});
