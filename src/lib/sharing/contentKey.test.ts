import { CompactEncrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateAccountKeys } from './accountKeys';
import { newContentKey, unwrapContentKey, wrapContentKey } from './contentKey';
import { SharingRefusedError } from './errors';

const binding = { study: '2.25.42', owner: 'acc-alice' };

async function reason(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SharingRefusedError);
  return (err as SharingRefusedError).reason;
}

describe('content key wrapping', () => {
  it('wraps for one reader and opens only for that reader, study and owner', async () => {
    const bob = await generateAccountKeys({ extractable: false });
    const carol = await generateAccountKeys({ extractable: false });
    const key = newContentKey();
    expect(key.length).toBe(32);
    expect(newContentKey()).not.toEqual(key);
    const jwe = await wrapContentKey(key, bob.wrapJwk, binding);
    expect(await unwrapContentKey(jwe, bob.wrap.privateKey, binding)).toEqual(key);
    expect(await reason(unwrapContentKey(jwe, carol.wrap.privateKey, binding))).toBe('key-unwrap-failed');
    expect(await reason(unwrapContentKey(jwe, bob.wrap.privateKey, { ...binding, study: '2.25.43' }))).toBe(
      'wrong-study',
    );
    expect(await reason(unwrapContentKey(jwe, bob.wrap.privateKey, { ...binding, owner: 'acc-mallory' }))).toBe(
      'wrong-owner',
    );
  });

  it('detects a header rewritten to another study (it is authenticated)', async () => {
    const bob = await generateAccountKeys({ extractable: false });
    const jwe = await wrapContentKey(newContentKey(), bob.wrapJwk, binding);
    const parts = jwe.split('.');
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
    parts[0] = Buffer.from(JSON.stringify({ ...header, csStudy: '2.25.43' })).toString('base64url');
    const moved = parts.join('.');
    expect(await reason(unwrapContentKey(moved, bob.wrap.privateKey, { ...binding, study: '2.25.43' }))).toBe(
      'key-unwrap-failed',
    );
  });

  it('refuses other algorithms, extra header members, wrong key lengths and oversized input', async () => {
    const bob = await generateAccountKeys({ extractable: false });
    const make = (plaintext: Uint8Array, header: Record<string, unknown>) =>
      new CompactEncrypt(plaintext).setProtectedHeader(header as never).encrypt(bob.wrap.publicKey);
    const h = { alg: 'ECDH-ES+A256KW', enc: 'A256GCM', csStudy: binding.study, csOwner: binding.owner };
    expect(
      await reason(
        unwrapContentKey(await make(newContentKey(), { ...h, alg: 'ECDH-ES' }), bob.wrap.privateKey, binding),
      ),
    ).toBe('wrong-algorithm');
    expect(
      await reason(
        unwrapContentKey(await make(newContentKey(), { ...h, enc: 'A128GCM' }), bob.wrap.privateKey, binding),
      ),
    ).toBe('wrong-algorithm');
    expect(
      await reason(unwrapContentKey(await make(newContentKey(), { ...h, kid: 'x' }), bob.wrap.privateKey, binding)),
    ).toBe('malformed');
    expect(await reason(unwrapContentKey(await make(new Uint8Array(16), h), bob.wrap.privateKey, binding))).toBe(
      'malformed',
    );
    const key = newContentKey();
    expect(await unwrapContentKey(await make(key, h), bob.wrap.privateKey, binding)).toEqual(key);
    expect(await reason(unwrapContentKey('a'.repeat(5000), bob.wrap.privateKey, binding))).toBe('too-large');
    expect(await reason(unwrapContentKey('a.b.c', bob.wrap.privateKey, binding))).toBe('malformed');
  });
});
