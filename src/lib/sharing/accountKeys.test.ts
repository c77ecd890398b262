import { describe, expect, it } from 'vitest';
import {
  KeyFormatError,
  exportPrivateJwk,
  generateAccountKeys,
  importPublicKey,
  jwkThumbprint,
  parsePublicJwk,
} from './accountKeys';

describe('account keys', () => {
  it('makes an ES256 pair and an ECDH pair whose public JWKs hold nothing private', async () => {
    const keys = await generateAccountKeys({ extractable: false });
    expect(keys.sign.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(keys.wrap.privateKey.algorithm).toMatchObject({ name: 'ECDH', namedCurve: 'P-256' });
    expect(keys.sign.privateKey.extractable).toBe(false);
    for (const jwk of [keys.signJwk, keys.wrapJwk]) expect(Object.keys(jwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    await expect(exportPrivateJwk(keys.sign.privateKey)).rejects.toThrow(KeyFormatError);
  });

  it('exports private JWKs only from extractable pairs', async () => {
    const keys = await generateAccountKeys({ extractable: true });
    const priv = await exportPrivateJwk(keys.wrap.privateKey);
    expect(priv.x).toBe(keys.wrapJwk.x);
    expect(priv.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('gives distinct, stable RFC 7638 thumbprints', async () => {
    const keys = await generateAccountKeys({ extractable: false });
    const a = await jwkThumbprint(keys.signJwk);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await jwkThumbprint({ ...keys.signJwk })).toBe(a);
    expect(await jwkThumbprint(keys.wrapJwk)).not.toBe(a);
  });

  it('refuses public JWKs that are not public P-256 keys', async () => {
    const keys = await generateAccountKeys({ extractable: true });
    const good = keys.signJwk;
    const priv = await exportPrivateJwk(keys.sign.privateKey);
    const bad: unknown[] = [
      null,
      'x',
      [],
      priv,
      { ...good, kty: 'RSA' },
      { ...good, crv: 'P-384' },
      { ...good, x: good.x.slice(1) },
      { ...good, y: good.y + 'A' },
      { ...good, y: undefined },
      { ...good, x5u: 'https://example.org' },
      { kty: 'oct', k: 'AAAA' },
    ];
    for (const jwk of bad) expect(() => parsePublicJwk(jwk), JSON.stringify(jwk)).toThrow(KeyFormatError);
    expect(parsePublicJwk({ ...good, alg: 'ES256', use: 'sig' })).toEqual(good);
  });

  it('refuses a point that is not on the curve when importing', async () => {
    const keys = await generateAccountKeys({ extractable: false });
    const offCurve = { ...keys.signJwk, y: keys.wrapJwk.y };
    await expect(importPublicKey(offCurve, 'sign')).rejects.toThrow(KeyFormatError);
    await expect(importPublicKey(keys.signJwk, 'sign')).resolves.toBeDefined();
  });
});
