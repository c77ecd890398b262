// Signed challenges: the account-key sign-in. The client signs {challenge, aud} with ES256.
import { describe, expect, it } from 'vitest';
import { CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { AuthError } from './authError';
import { CHALLENGE_BYTES, newChallenge, verifySignedChallenge } from './challenge';

const ORIGIN = 'http://localhost:8080';
const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
const signJwk = await exportJWK(publicKey);

async function sign(payload: unknown, key: CryptoKey = privateKey, alg = 'ES256'): Promise<string> {
  return new CompactSign(new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload)))
    .setProtectedHeader({ alg })
    .sign(key);
}

async function refused(check: Parameters<typeof verifySignedChallenge>[0]): Promise<string> {
  const error = await verifySignedChallenge(check).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe('invalid');
  return (error as AuthError).message;
}

describe('newChallenge', () => {
  it('is 32 random bytes in base64url', () => {
    const a = newChallenge();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url').length).toBe(CHALLENGE_BYTES);
    expect(new Set(Array.from({ length: 100 }, newChallenge)).size).toBe(100);
  });
});

describe('verifySignedChallenge', () => {
  const challenge = newChallenge();
  const base = { expectedChallenge: challenge, expectedAudience: ORIGIN, signJwk };

  it('accepts the payload signed by the registered key', async () => {
    await expect(
      verifySignedChallenge({ ...base, signature: await sign({ challenge, aud: ORIGIN }) }),
    ).resolves.toBeUndefined();
  });

  it('refuses another audience', async () => {
    const signature = await sign({ challenge, aud: 'http://localhost:9999' });
    expect(await refused({ ...base, signature })).toMatch(/another server/);
  });

  it('refuses another challenge', async () => {
    const signature = await sign({ challenge: newChallenge(), aud: ORIGIN });
    expect(await refused({ ...base, signature })).toMatch(/does not match/);
  });

  it('refuses a signature by another key', async () => {
    const other = await generateKeyPair('ES256');
    await refused({ ...base, signature: await sign({ challenge, aud: ORIGIN }, other.privateKey) });
  });

  it('refuses another algorithm', async () => {
    const p384 = await generateKeyPair('ES384');
    await refused({ ...base, signature: await sign({ challenge, aud: ORIGIN }, p384.privateKey, 'ES384') });
    const hmacKey = new Uint8Array(32);
    const hs256 = await new CompactSign(new TextEncoder().encode(JSON.stringify({ challenge, aud: ORIGIN })))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(hmacKey);
    await refused({ ...base, signature: hs256 });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ challenge, aud: ORIGIN })).toString('base64url')}.`;
    await refused({ ...base, signature: none });
  });

  it('refuses a payload without aud or that is not JSON', async () => {
    await refused({ ...base, signature: await sign({ challenge }) });
    await refused({ ...base, signature: await sign('challenge=' + challenge) });
  });

  it('refuses a key that is not a P-256 public key', async () => {
    const signature = await sign({ challenge, aud: ORIGIN });
    await refused({ ...base, signature, signJwk: await exportJWK(privateKey) });
    await refused({ ...base, signature, signJwk: { ...signJwk, crv: 'P-384' } as JWK });
    await refused({ ...base, signature, signJwk: { kty: 'oct', k: 'AAAA' } });
  });

  it('refuses garbage and oversized input', async () => {
    await refused({ ...base, signature: 'x.y.z' });
    await refused({ ...base, signature: 'a'.repeat(10_000) });
  });
});
