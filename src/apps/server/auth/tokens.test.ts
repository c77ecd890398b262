// Session tokens: what a forged, stale or foreign token looks like to verifySessionToken.
import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { AuthError } from './authError';
import { CLOCK_SKEW_SECONDS, issueSessionToken, SESSION_TTL_SECONDS, verifySessionToken } from './tokens';

const secret = new Uint8Array(randomBytes(32));
const account = { id: 'acc-alice', role: 'clinician' };
const t0 = new Date('2026-12-02T12:00:00Z');
const after = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('session tokens', () => {
  it('round-trip the account, a random jti and the expiry', async () => {
    const issued = await issueSessionToken(secret, account, { now: t0 });
    expect(issued.expiresAt.getTime()).toBe(after(SESSION_TTL_SECONDS).getTime());
    const claims = await verifySessionToken(secret, issued.token, { now: after(60) });
    expect(claims).toEqual({
      accountId: account.id,
      role: account.role,
      jti: issued.jti,
      exp: issued.expiresAt.getTime() / 1000,
    });
    const other = await issueSessionToken(secret, account, { now: t0 });
    expect(other.jti).not.toBe(issued.jti);
  });

  it('honours ttlSeconds', async () => {
    const issued = await issueSessionToken(secret, account, { now: t0, ttlSeconds: 60 });
    expect(issued.expiresAt.getTime()).toBe(after(60).getTime());
  });

  it('accept up to 30 s of clock skew past expiry, then say expired', async () => {
    const { token } = await issueSessionToken(secret, account, { now: t0 });
    await expect(
      verifySessionToken(secret, token, { now: after(SESSION_TTL_SECONDS + CLOCK_SKEW_SECONDS - 1) }),
    ).resolves.toBeTruthy();
    const error = await refusal(
      verifySessionToken(secret, token, { now: after(SESSION_TTL_SECONDS + CLOCK_SKEW_SECONDS + 1) }),
    );
    expect(error.code).toBe('expired');
  });

  it('refuse a token signed with another secret', async () => {
    const { token } = await issueSessionToken(new Uint8Array(randomBytes(32)), account, { now: t0 });
    expect((await refusal(verifySessionToken(secret, token, { now: t0 }))).code).toBe('invalid');
  });

  it('refuse a tampered payload (role raised to admin)', async () => {
    const { token } = await issueSessionToken(secret, account, { now: t0 });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`;
    expect((await refusal(verifySessionToken(secret, forged, { now: t0 }))).code).toBe('invalid');
  });

  it('say invalid, not expired, for a forged token that is also expired', async () => {
    const { token } = await issueSessionToken(new Uint8Array(randomBytes(32)), account, { now: t0 });
    expect((await refusal(verifySessionToken(secret, token, { now: after(86400) }))).code).toBe('invalid');
  });

  it('refuse alg none', async () => {
    const { token } = await issueSessionToken(secret, account, { now: t0 });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    for (const unsigned of [
      `${b64({ alg: 'none' })}.${b64(claims)}.`,
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}`,
    ]) {
      expect((await refusal(verifySessionToken(secret, unsigned, { now: t0 }))).code).toBe('invalid');
    }
  });

  it('refuse another HMAC algorithm with the same secret', async () => {
    const { token: good } = await issueSessionToken(secret, account, { now: t0 });
    const claims = JSON.parse(Buffer.from(good.split('.')[1]!, 'base64url').toString());
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(new Uint8Array(randomBytes(64)));
    const hs512Same = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new Uint8Array([...secret, ...secret]));
    for (const token of [hs512, hs512Same]) {
      expect((await refusal(verifySessionToken(secret, token, { now: t0 }))).code).toBe('invalid');
    }
  });

  it.each([
    ['another audience', { iss: 'cipherscan', aud: 'elsewhere' }],
    ['another issuer', { iss: 'someone', aud: 'cipherscan-api' }],
    ['no audience', { iss: 'cipherscan' }],
  ])('refuse %s', async (_name, extra) => {
    const iat = Math.floor(t0.getTime() / 1000);
    const token = await new SignJWT({ role: 'clinician', ...extra })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('acc-alice')
      .setJti('j1')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 900)
      .sign(secret);
    expect((await refusal(verifySessionToken(secret, token, { now: t0 }))).code).toBe('invalid');
  });

  it('refuse a token without jti', async () => {
    const iat = Math.floor(t0.getTime() / 1000);
    const token = await new SignJWT({ role: 'clinician' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('cipherscan')
      .setAudience('cipherscan-api')
      .setSubject('acc-alice')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 900)
      .sign(secret);
    expect((await refusal(verifySessionToken(secret, token, { now: t0 }))).code).toBe('invalid');
  });

  it('refuse garbage', async () => {
    for (const token of ['', 'a.b.c', 'not a token']) {
      expect((await refusal(verifySessionToken(secret, token, { now: t0 }))).code).toBe('invalid');
    }
  });

  it('will not work with a short secret', async () => {
    await expect(issueSessionToken(new Uint8Array(16), account)).rejects.toThrow(/at least 32 bytes/);
  });
});
