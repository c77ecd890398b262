/**
 * The passkey routes end to end against a software authenticator (packed "none"
 * attestation, ES256; the same construction as auth/passkeys.test.ts): register by
 * redeeming an invitation, sign in with a discoverable credential, and the refusals —
 * a replayed ceremony, another origin, a used invitation — each a 401 that changes
 * nothing. Runs on PGlite and PostgreSQL.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { generateAccountKeys } from '../../../lib/sharing/accountKeys';
import { describeOnBothDatabases } from '../../../testing/databases';
import { softwareAuthenticator } from '../../../testing/softwareAuthenticator';
import { openDatabase } from '../db';
import { bearer, invite, ORIGIN, snapshot, startHarness, type Harness, HOOK_TIMEOUT_MS } from './routeHarness';

const softAuthenticator = (rpId = 'localhost') => softwareAuthenticator({ rpId, origin: ORIGIN, countOnLogin: true });

describeOnBothDatabases('routes: passkeys', (suite) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(await openDatabase(await suite.freshDatabase()));
  }, HOOK_TIMEOUT_MS);
  afterEach(async () => h?.close(), HOOK_TIMEOUT_MS);

  const post = (url: string, payload: object) =>
    h.app.inject({ method: 'POST', url: `/api/auth/passkey/${url}`, payload });

  it('registers by invitation, signs in, and refuses replays, other origins and used invitations', async () => {
    const code = await invite(h.db, 'erin');
    const keys = await generateAccountKeys({ extractable: false });
    const authenticator = softAuthenticator();
    const options = await post('register/options', { code });
    expect(options.statusCode, options.body).toBe(200);
    expect(options.json()).toMatchObject({ rp: { id: 'localhost' }, user: { name: 'erin' }, attestation: 'none' });
    const registration = authenticator.register(options.json().challenge);
    const body = { code, response: registration, signJwk: keys.signJwk, wrapJwk: keys.wrapJwk };
    const registered = await post('register/verify', body);
    expect(registered.statusCode, registered.body).toBe(200);
    expect(registered.json().account).toMatchObject({ name: 'erin', role: 'clinician' });
    const me = await h.app.inject({ method: 'GET', url: '/api/me', headers: bearer(registered.json()) });
    expect(me.json().name).toBe('erin');

    let before = await snapshot(h);
    expect((await post('register/verify', body)).statusCode).toBe(401); // replay: challenge used, invitation used
    expect((await post('register/options', { code })).statusCode).toBe(401); // the invitation is spent
    expect(await snapshot(h)).toEqual(before);

    const login = await post('login/options', {});
    const assertion = authenticator.login(login.json().challenge);
    const session = await post('login/verify', { response: assertion });
    expect(session.statusCode, session.body).toBe(200);
    expect(session.json().account.name).toBe('erin');

    before = await snapshot(h);
    const replay = await post('login/verify', { response: assertion });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });
    const other = await post('login/options', {});
    expect(
      (await post('login/verify', { response: authenticator.login(other.json().challenge, 'http://evil.example') }))
        .statusCode,
    ).toBe(401);
    // the other-origin attempt used its challenge up: the right origin cannot reuse it
    expect((await post('login/verify', { response: authenticator.login(other.json().challenge) })).statusCode).toBe(
      401,
    );
    const stranger = softAuthenticator();
    const third = await post('login/options', {});
    expect((await post('login/verify', { response: stranger.login(third.json().challenge) })).statusCode).toBe(401);
    expect(await snapshot(h)).toEqual(before);
  });

  it('refuses a registration answered with another invitation code than the one it was opened for', async () => {
    const erin = await invite(h.db, 'erin');
    const frank = await invite(h.db, 'frank');
    const keys = await generateAccountKeys({ extractable: false });
    const options = await post('register/options', { code: erin });
    const response = softAuthenticator().register(options.json().challenge);
    const before = await snapshot(h);
    const swapped = await post('register/verify', {
      code: frank,
      response,
      signJwk: keys.signJwk,
      wrapJwk: keys.wrapJwk,
    });
    expect(swapped.statusCode).toBe(401);
    expect(await snapshot(h)).toEqual(before);
  });
});
