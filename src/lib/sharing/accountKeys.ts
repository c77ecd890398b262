/**
 * An account's two key pairs (docs/server.md "Keys and the shared-package
 * format"): ES256 (P-256 ECDSA) to sign record headers and session challenges,
 * and P-256 ECDH to receive wrapped content keys. Made on the user's device; only
 * the public halves leave it, as JWKs, validated here whenever one is read from
 * outside (a server request, an account file, a download).
 *
 * Must never: export a private key unless the caller made the pair extractable
 * (the CLI's account file); the page makes non-extractable pairs.
 */
import { calculateJwkThumbprint } from 'jose';

/** A public P-256 key as the server stores it: exactly these members, nothing private. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/** A private P-256 key as an account file holds it. */
export interface PrivateJwk extends PublicJwk {
  d: string;
}

export type KeyPurpose = 'sign' | 'wrap';

export interface AccountKeys {
  /** ES256: signs record headers and session challenges */
  sign: CryptoKeyPair;
  /** ECDH P-256: unwraps content keys wrapped for this account */
  wrap: CryptoKeyPair;
  signJwk: PublicJwk;
  wrapJwk: PublicJwk;
}

/** A JWK that is not a public P-256 key of the contract's form. */
export class KeyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFormatError';
  }
}

const SIGN_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const WRAP_ALGORITHM = { name: 'ECDH', namedCurve: 'P-256' } as const;
/** P-256 coordinates and scalars are 32 bytes: 43 base64url characters, unpadded. */
const COORDINATE = /^[A-Za-z0-9_-]{43}$/;
/** Members a public JWK may carry besides kty/crv/x/y (dropped on import); anything else is refused. */
const HARMLESS_MEMBERS = new Set(['alg', 'use', 'key_ops', 'ext', 'kid']);

export async function generateAccountKeys(options: { extractable: boolean }): Promise<AccountKeys> {
  const sign = (await crypto.subtle.generateKey(SIGN_ALGORITHM, options.extractable, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const wrap = (await crypto.subtle.generateKey(WRAP_ALGORITHM, options.extractable, ['deriveBits'])) as CryptoKeyPair;
  return {
    sign,
    wrap,
    signJwk: await exportPublicJwk(sign.publicKey),
    wrapJwk: await exportPublicJwk(wrap.publicKey),
  };
}

/** The public JWK of a public key (public keys are always exportable). */
export async function exportPublicJwk(publicKey: CryptoKey): Promise<PublicJwk> {
  if (publicKey.type !== 'public') throw new KeyFormatError('only a public key can be exported as a public JWK');
  return parsePublicJwk(await crypto.subtle.exportKey('jwk', publicKey));
}

/** The private JWK of an extractable private key (for the CLI's account file only). */
export async function exportPrivateJwk(privateKey: CryptoKey): Promise<PrivateJwk> {
  if (privateKey.type !== 'private' || !privateKey.extractable)
    throw new KeyFormatError('this private key cannot be exported (it was made non-extractable)');
  return parsePrivateJwk(await crypto.subtle.exportKey('jwk', privateKey));
}

/**
 * Checks a JWK read from outside and returns it reduced to {kty, crv, x, y}:
 * kty EC, crv P-256, 32-byte coordinates, and no private member. Whether the
 * point is on the curve is checked when it is imported (`importPublicKey`).
 */
export function parsePublicJwk(value: unknown): PublicJwk {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new KeyFormatError('a public key must be a JSON Web Key object');
  const jwk = value as Record<string, unknown>;
  if ('d' in jwk) throw new KeyFormatError('this key contains a private part; only the public key may be sent');
  for (const name of Object.keys(jwk))
    if (!['kty', 'crv', 'x', 'y'].includes(name) && !HARMLESS_MEMBERS.has(name))
      throw new KeyFormatError(`a public key may not carry "${name}"`);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new KeyFormatError('keys must be elliptic-curve P-256 keys');
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || !COORDINATE.test(jwk.x) || !COORDINATE.test(jwk.y))
    throw new KeyFormatError('the key coordinates are not 32-byte base64url values');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/** Checks a private JWK (an account file's) and reduces it to {kty, crv, x, y, d}. */
export function parsePrivateJwk(value: unknown): PrivateJwk {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new KeyFormatError('a private key must be a JSON Web Key object');
  const { d, ...rest } = value as Record<string, unknown>;
  if (typeof d !== 'string' || !COORDINATE.test(d))
    throw new KeyFormatError('the private key part is missing or malformed');
  return { ...parsePublicJwk(rest), d };
}

/** Imports a checked public JWK; refuses (KeyFormatError) a point that is not on the curve. */
export async function importPublicKey(jwk: unknown, purpose: KeyPurpose): Promise<CryptoKey> {
  const clean = parsePublicJwk(jwk);
  try {
    return purpose === 'sign'
      ? await crypto.subtle.importKey('jwk', clean, SIGN_ALGORITHM, true, ['verify'])
      : await crypto.subtle.importKey('jwk', clean, WRAP_ALGORITHM, true, []);
  } catch {
    throw new KeyFormatError('this public key is not a valid P-256 point');
  }
}

/** Imports a private JWK as a non-extractable CryptoKey for its purpose. */
export async function importPrivateKey(jwk: unknown, purpose: KeyPurpose): Promise<CryptoKey> {
  const clean = parsePrivateJwk(jwk);
  try {
    return purpose === 'sign'
      ? await crypto.subtle.importKey('jwk', clean, SIGN_ALGORITHM, false, ['sign'])
      : await crypto.subtle.importKey('jwk', clean, WRAP_ALGORITHM, false, ['deriveBits']);
  } catch {
    throw new KeyFormatError('this private key is not a valid P-256 key');
  } finally {
    // the JWK's private member is a string and cannot be zeroed; drop our reference at least
    (clean as Partial<PrivateJwk>).d = undefined;
  }
}

/** RFC 7638 SHA-256 thumbprint (base64url) of a public key: a short, stable name for it. */
export function jwkThumbprint(jwk: PublicJwk): Promise<string> {
  return calculateJwkThumbprint(parsePublicJwk(jwk), 'sha256');
}

/** True when two JWKs name the same public point. */
export function sameKey(a: PublicJwk, b: PublicJwk): boolean {
  return a.kty === b.kty && a.crv === b.crv && a.x === b.x && a.y === b.y;
}
