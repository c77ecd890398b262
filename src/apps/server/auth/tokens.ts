/**
 * Session tokens: short-lived JWTs (HS256, 15 min by default) that the server issues
 * after a signed challenge or a passkey, and checks on every request
 * (docs/server.md "HTTP API"). They travel in an Authorization header, never in a
 * cookie, so a page on another origin cannot use them by accident.
 *
 * Claims: `sub` = account id, `role`, `jti` (random, so one session can be named in the
 * audit log and refused later), `iss`, `aud`, `iat`, `exp`. Verification accepts HS256
 * only (no `none`, no algorithm chosen by the token), our issuer and audience only, and
 * 30 s of clock skew.
 *
 * Must never: log a token or the secret.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { AuthError } from './authError';

export const SESSION_ISSUER = 'cipherscan';
export const SESSION_AUDIENCE = 'cipherscan-api';
export const SESSION_TTL_SECONDS = 900;
export const CLOCK_SKEW_SECONDS = 30;
/** HS256 wants a key at least as long as its output (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32;

export interface IssuedSession {
  token: string;
  expiresAt: Date;
  /** the token's id, for the audit log (never the token itself) */
  jti: string;
}

export interface SessionClaims {
  accountId: string;
  role: string;
  jti: string;
  /** expiry, epoch seconds */
  exp: number;
}

function checkSecret(secret: Uint8Array): void {
  if (secret.length < MIN_SECRET_BYTES) throw new Error(`session secret must be at least ${MIN_SECRET_BYTES} bytes`);
}

export async function issueSessionToken(
  secret: Uint8Array,
  account: { id: string; role: string },
  { ttlSeconds = SESSION_TTL_SECONDS, now = new Date() }: { ttlSeconds?: number; now?: Date } = {},
): Promise<IssuedSession> {
  checkSecret(secret);
  if (!account.id) throw new Error('session for an account without id');
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ttlSeconds;
  const jti = randomBytes(16).toString('base64url');
  const token = await new SignJWT({ role: account.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(SESSION_ISSUER)
    .setAudience(SESSION_AUDIENCE)
    .setSubject(account.id)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(secret);
  return { token, expiresAt: new Date(exp * 1000), jti };
}

/** Checks signature, algorithm, issuer, audience and expiry; throws AuthError('expired' | 'invalid'). */
export async function verifySessionToken(
  secret: Uint8Array,
  token: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<SessionClaims> {
  checkSecret(secret);
  let payload;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: SESSION_ISSUER,
      audience: SESSION_AUDIENCE,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: now,
      requiredClaims: ['sub', 'jti', 'iat', 'exp'],
    }));
  } catch (error) {
    // jose checks the signature before the claims, so 'expired' is only ever said of a genuine token.
    if (error instanceof errors.JWTExpired) throw new AuthError('expired', 'session token expired');
    throw new AuthError('invalid', `session token refused (${(error as { code?: string }).code ?? 'malformed'})`);
  }
  const { sub, role, jti, exp } = payload;
  if (
    typeof sub !== 'string' ||
    !sub ||
    typeof role !== 'string' ||
    typeof jti !== 'string' ||
    typeof exp !== 'number'
  ) {
    throw new AuthError('invalid', 'session token claims malformed');
  }
  return { accountId: sub, role, jti, exp };
}
