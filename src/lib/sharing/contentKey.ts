/**
 * Per-study content keys and their wrapping for one reader (docs/server.md):
 * 32 random bytes, sent only as a compact JWE (ECDH-ES+A256KW, A256GCM) to the
 * reader's ECDH public key. The JWE's protected header binds it to one study
 * and one owner (`csStudy`, `csOwner`), so the server cannot move a reader's
 * wrapped key onto another record.
 *
 * Must never: put the content key anywhere but the JWE's ciphertext, or accept
 * a JWE whose algorithms, binding or key length differ from the contract's.
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { asBuffer } from '../bytes/bytes';
import { randomBytes } from '../keys/key';
import { importPublicKey } from './accountKeys';
import { SharingRefusedError } from './errors';

export const CONTENT_KEY_BYTES = 32;
/** The contract's limit for a wrapped key (a real one is about 400 characters). */
export const MAX_WRAPPED_KEY_CHARS = 4 * 1024;
export const WRAP_ALG = 'ECDH-ES+A256KW';
export const WRAP_ENC = 'A256GCM';

/** What a wrapped key is bound to; both sides must name the same study and owner. */
export interface WrapBinding {
  study: string;
  owner: string;
}

/** Protected-header members a wrapped key may have: the contract's, and the ephemeral key ECDH-ES needs. */
const ALLOWED_HEADER = new Set(['alg', 'enc', 'epk', 'csStudy', 'csOwner']);
// the encrypted-key part may be empty (direct ECDH-ES): such a JWE is then refused by its alg
const COMPACT_JWE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function newContentKey(): Uint8Array {
  return randomBytes(CONTENT_KEY_BYTES);
}

/** Wraps a content key for one reader (the owner included: the owner's own copy is wrapped the same way). */
export async function wrapContentKey(
  contentKey: Uint8Array,
  readerWrapJwk: unknown,
  binding: WrapBinding,
): Promise<string> {
  if (contentKey.length !== CONTENT_KEY_BYTES) throw new Error(`a content key is ${CONTENT_KEY_BYTES} bytes`);
  checkBinding(binding);
  const readerKey = await importPublicKey(readerWrapJwk, 'wrap');
  const plaintext = asBuffer(contentKey);
  try {
    return await new CompactEncrypt(plaintext)
      .setProtectedHeader({ alg: WRAP_ALG, enc: WRAP_ENC, csStudy: binding.study, csOwner: binding.owner })
      .encrypt(readerKey);
  } finally {
    plaintext.fill(0);
  }
}

/**
 * Checks a wrapped key's form and binding without opening it: size, compact
 * shape, the contract's algorithms, no header member beyond the contract's, and
 * `csStudy`/`csOwner` equal to `expected`. What the server can check (it holds
 * no private key); a reader's unwrap runs it first. SharingRefusedError if not.
 */
export function inspectWrappedKey(jwe: string, expected: WrapBinding): void {
  if (typeof jwe !== 'string' || jwe.length > MAX_WRAPPED_KEY_CHARS)
    throw new SharingRefusedError('too-large', 'the wrapped key is larger than any real one: refused');
  if (!COMPACT_JWE.test(jwe)) throw new SharingRefusedError('malformed', 'the wrapped key is not a compact JWE');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwe) as Record<string, unknown>;
  } catch (cause) {
    throw new SharingRefusedError('malformed', 'the wrapped key has an unreadable header', { cause });
  }
  if (header.alg !== WRAP_ALG || header.enc !== WRAP_ENC)
    throw new SharingRefusedError('wrong-algorithm', 'the wrapped key uses an algorithm this app does not accept');
  for (const name of Object.keys(header))
    if (!ALLOWED_HEADER.has(name))
      throw new SharingRefusedError('malformed', `the wrapped key's header has an unexpected member "${name}"`);
  checkHeaderBinding(header, expected);
}

/**
 * Opens a wrapped key with the reader's private ECDH key. Refuses
 * (SharingRefusedError) an oversized or malformed JWE, any algorithm but the
 * contract's, a binding to another study or owner, a JWE that does not open
 * with this key (made for another reader, or altered), and a key of the wrong
 * length. The caller owns the returned bytes and should zero them after use.
 */
export async function unwrapContentKey(
  jwe: string,
  readerPrivateKey: CryptoKey,
  expected: WrapBinding,
): Promise<Uint8Array> {
  // The binding is checked before any decryption, and again from the authenticated header after it.
  inspectWrappedKey(jwe, expected);
  let opened: { plaintext: Uint8Array; protectedHeader: Record<string, unknown> };
  try {
    opened = await compactDecrypt(jwe, readerPrivateKey, {
      keyManagementAlgorithms: [WRAP_ALG],
      contentEncryptionAlgorithms: [WRAP_ENC],
    });
  } catch (cause) {
    throw new SharingRefusedError(
      'key-unwrap-failed',
      'the study key was not wrapped for this account, or was altered',
      { cause },
    );
  }
  checkHeaderBinding(opened.protectedHeader, expected);
  if (opened.plaintext.length !== CONTENT_KEY_BYTES) {
    opened.plaintext.fill(0);
    throw new SharingRefusedError('malformed', 'the wrapped study key has the wrong length');
  }
  return opened.plaintext;
}

function checkHeaderBinding(header: Record<string, unknown>, expected: WrapBinding): void {
  if (header.csStudy !== expected.study)
    throw new SharingRefusedError('wrong-study', 'this wrapped key belongs to another study');
  if (header.csOwner !== expected.owner)
    throw new SharingRefusedError('wrong-owner', 'this wrapped key was made for another owner');
}

function checkBinding(binding: WrapBinding): void {
  if (typeof binding.study !== 'string' || !binding.study || typeof binding.owner !== 'string' || !binding.owner)
    throw new Error('a wrapped key needs a study and an owner');
}
