/**
 * The client half of signing in with account keys (docs/server.md,
 * `POST /api/auth/session`): a compact JWS, ES256, over `{"challenge": c, "aud":
 * origin}`. The audience is the server's origin, so a signature made for one
 * server is refused by another (a malicious server cannot relay it); the challenge
 * is single use and short-lived, so it cannot be replayed. The server half is
 * `src/apps/server/auth/challenge.ts`.
 */
import { CompactSign, importJWK, type JWK } from 'jose';

/** A private ES256 signing key: a CryptoKey (the page keeps it non-extractable) or a private JWK (the CLI's account file). */
export type SigningKey = CryptoKey | JWK;

async function asCryptoKey(key: SigningKey): Promise<CryptoKey> {
  if (typeof CryptoKey !== 'undefined' && key instanceof CryptoKey) return key;
  const jwk = key as JWK;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string')
    throw new Error('the account signing key is not a private P-256 key');
  return (await importJWK(jwk, 'ES256')) as CryptoKey;
}

/** The origin a signature is bound to: scheme, host and port of the server's base URL. */
export function serverOrigin(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

export async function signChallenge(challenge: string, audience: string, key: SigningKey): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify({ challenge, aud: audience }));
  return new CompactSign(payload).setProtectedHeader({ alg: 'ES256' }).sign(await asCryptoKey(key));
}
