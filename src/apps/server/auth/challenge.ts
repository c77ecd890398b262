/**
 * Sign-in with account keys (the CLI's way in, docs/server.md "HTTP API"): the server
 * hands out a random single-use challenge, the client signs `{"challenge": …, "aud":
 * <server origin>}` as a compact JWS (ES256) with its account signing key, and this
 * module checks that signature against the public key the account registered.
 *
 * The audience binds the signature to this server, so a signature a malicious server
 * collected cannot be replayed at another one; the challenge binds it to this attempt.
 * Storing challenges, expiring them (60 s) and using each once is the caller's job
 * (the database), not this module's.
 *
 * Must never: accept an algorithm other than ES256 or a key the account did not register.
 */
import { compactVerify, importJWK, type JWK } from 'jose';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthError } from './authError';

export const CHALLENGE_BYTES = 32;
/** A signed challenge is a few hundred bytes; anything far larger is refused before parsing. */
const MAX_SIGNATURE_CHARS = 4096;

/** 32 random bytes, base64url (43 characters). */
export function newChallenge(): string {
  return randomBytes(CHALLENGE_BYTES).toString('base64url');
}

export interface SignedChallengeCheck {
  /** compact JWS, ES256, payload `{"challenge": string, "aud": string}` */
  signature: string;
  /** the challenge the server issued for this sign-in (and has not seen used) */
  expectedChallenge: string;
  /** the server's own origin, e.g. "http://localhost:8080" */
  expectedAudience: string;
  /** the account's registered public signing key (P-256) */
  signJwk: JWK;
}

/** Resolves when the signature is good; throws AuthError('invalid') otherwise. */
export async function verifySignedChallenge(check: SignedChallengeCheck): Promise<void> {
  const { signature, expectedChallenge, expectedAudience, signJwk } = check;
  if (typeof signature !== 'string' || signature.length > MAX_SIGNATURE_CHARS) {
    throw new AuthError('invalid', 'challenge signature malformed');
  }
  if (signJwk.kty !== 'EC' || signJwk.crv !== 'P-256' || 'd' in signJwk) {
    throw new AuthError('invalid', 'account signing key is not a P-256 public key');
  }
  let payloadBytes: Uint8Array;
  try {
    const key = await importJWK({ kty: 'EC', crv: 'P-256', x: signJwk.x, y: signJwk.y }, 'ES256');
    ({ payload: payloadBytes } = await compactVerify(signature, key, { algorithms: ['ES256'] }));
  } catch (error) {
    throw new AuthError('invalid', `challenge signature refused (${(error as { code?: string }).code ?? 'malformed'})`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes));
  } catch {
    throw new AuthError('invalid', 'challenge payload is not JSON');
  }
  const { challenge, aud } = (payload ?? {}) as { challenge?: unknown; aud?: unknown };
  if (typeof challenge !== 'string' || typeof aud !== 'string') {
    throw new AuthError('invalid', 'challenge payload lacks challenge or aud');
  }
  if (aud !== expectedAudience) throw new AuthError('invalid', 'challenge signed for another server');
  if (!sameString(challenge, expectedChallenge)) throw new AuthError('invalid', 'challenge does not match');
}

/** Constant-time for equal lengths; challenges have a fixed length, so length says nothing. */
function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
