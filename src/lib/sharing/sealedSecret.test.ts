/**
 * A secret handed from one account to another (the hospitals' CKKS key): opens
 * only for its recipient, only with the named sender's signature, only for the
 * purpose and network it was sealed for; a stranger's key under a forged sender
 * name, a re-signed envelope and an oversized token are refused.
 */
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateAccountKeys } from './accountKeys';
import { SharingRefusedError } from './errors';
import { openSealedSecret, sealSecret } from './sealedSecret';

const binding = { purpose: 'ckks-secret-key', network: 'lung-network', sender: 'hospital-a', recipient: 'hospital-b' };

async function reason(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SharingRefusedError);
  return (err as SharingRefusedError).reason;
}

describe('sealed secret', () => {
  it('opens for the recipient with the sender signature and binding, and for no one else', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => generateAccountKeys({ extractable: false })));
    const secret = crypto.getRandomValues(new Uint8Array(200_000 / 4)).map((v) => v);
    const token = await sealSecret(secret, b.wrapJwk, a.sign.privateKey, binding);
    expect(token).not.toContain(Buffer.from(secret.subarray(0, 24)).toString('base64url'));
    expect(await openSealedSecret(token, b.wrap.privateKey, a.signJwk, binding)).toEqual(secret);
    // another recipient, another claimed sender, another network or purpose
    expect(
      await reason(openSealedSecret(token, c.wrap.privateKey, a.signJwk, { ...binding, recipient: 'hospital-c' })),
    ).toBe('malformed');
    expect(await reason(openSealedSecret(token, c.wrap.privateKey, a.signJwk, binding))).toBe('key-unwrap-failed');
    expect(await reason(openSealedSecret(token, b.wrap.privateKey, c.signJwk, binding))).toBe('bad-signature');
    expect(await reason(openSealedSecret(token, b.wrap.privateKey, a.signJwk, { ...binding, network: 'other' }))).toBe(
      'malformed',
    );
    expect(await reason(openSealedSecret(token, b.wrap.privateKey, a.signJwk, { ...binding, purpose: 'x' }))).toBe(
      'malformed',
    );
  });

  it('refuses a key injected by a stranger who signs under the sender name, or re-signs the envelope', async () => {
    const [a, b, mallory] = await Promise.all([1, 2, 3].map(() => generateAccountKeys({ extractable: false })));
    const injected = await sealSecret(new Uint8Array([1, 2, 3]), b.wrapJwk, mallory.sign.privateKey, binding);
    expect(await reason(openSealedSecret(injected, b.wrap.privateKey, a.signJwk, binding))).toBe('bad-signature');
    // a genuine envelope re-signed by mallory with a header naming another network
    const genuine = await sealSecret(new Uint8Array([4, 5, 6]), b.wrapJwk, a.sign.privateKey, binding);
    const jwe = Buffer.from(genuine.split('.')[1], 'base64url');
    const resigned = await new CompactSign(jwe)
      .setProtectedHeader({
        alg: 'ES256',
        csPurpose: binding.purpose,
        csNetwork: 'other',
        csSender: 'hospital-a',
        csRecipient: 'hospital-b',
      })
      .sign(mallory.sign.privateKey);
    expect(await reason(openSealedSecret(resigned, b.wrap.privateKey, a.signJwk, binding))).toBe('bad-signature');
    expect(await reason(openSealedSecret('x'.repeat(3_000_000), b.wrap.privateKey, a.signJwk, binding))).toBe(
      'too-large',
    );
  });
});
