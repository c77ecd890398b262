/**
 * The CipherScan package container, version 3 (full description: docs/package-format.md).
 *
 *   offset  size  field
 *   0       4     magic "CSPK" (AES-256-GCM package) or "CSCB" (AES-256-CBC, comparison only)
 *   4       1     format version = 3 (1 and 2 are still read; 3 adds the frame list inside the plaintext)
 *   5       1     cipher: 1 = AES-256-GCM, 2 = AES-256-CBC (comparison only, unauthenticated)
 *   6       2     header length in bytes, little-endian (36 for GCM, 40 for CBC)
 *   8       8     key-check value: first 8 bytes of HMAC-SHA256(master key, "cipherscan/package-check/v2" || IV)
 *                 (version 1: HMAC-SHA256(master key, "cipherscan/key-check/v1"), the same for every package)
 *   16      12|16 IV: 12 random bytes (GCM) or 16 (CBC), fresh for every package
 *   ..      4     plaintext length, little-endian
 *   ..      4     ciphertext length, little-endian (GCM: plaintext + 16-byte tag; CBC: padded)
 *   header  ..    ciphertext
 *
 * For GCM the whole header is the additional authenticated data, so a changed
 * version, length, IV or key-check byte fails authentication like a changed
 * ciphertext byte does.
 *
 * Must never: accept trailing or missing bytes, or hand back anything from a
 * package that did not authenticate.
 */
import { bytesEqual, fromHex, toHex, utf8 } from '../../bytes/bytes';
import { packageKeyCheck, type CipherKey } from '../../keys/key';

export const FORMAT_VERSION = 3;
/**
 * Versions a reader accepts: 1 differs from 2 only in its key-check value (fixed per key, so linkable);
 * 3 has 2's header and key check, and a frame list in the plaintext (every frame of a file).
 */
const READABLE_VERSIONS = new Set([1, 2, 3]);
export const GCM_MAGIC = 'CSPK';
export const CBC_MAGIC = 'CSCB';
export const GCM_IV_BYTES = 12;
export const CBC_IV_BYTES = 16;
export const GCM_TAG_BYTES = 16;
const KEY_CHECK_BYTES = 8;

export type CipherId = 'aes-256-gcm' | 'aes-256-cbc-comparison-only';
const CIPHER_CODE: Record<CipherId, number> = { 'aes-256-gcm': 1, 'aes-256-cbc-comparison-only': 2 };
const MAGIC: Record<CipherId, string> = { 'aes-256-gcm': GCM_MAGIC, 'aes-256-cbc-comparison-only': CBC_MAGIC };
const IV_BYTES: Record<CipherId, number> = { 'aes-256-gcm': GCM_IV_BYTES, 'aes-256-cbc-comparison-only': CBC_IV_BYTES };

export interface PackageHeader {
  /** FORMAT_VERSION when writing (others only to test readers) */
  version?: number;
  cipher: CipherId;
  /** 16 hex characters, as CipherKey.check */
  keyCheck: string;
  iv: Uint8Array;
  plaintextLength: number;
  ciphertextLength: number;
}

export type RefusalReason = 'altered' | 'wrong-key' | 'not-a-package' | 'unreadable';

/** Every refusal to open a package. Nothing is returned alongside it, ever. */
export class PackageRefusedError extends Error {
  constructor(
    readonly reason: RefusalReason,
    detail: string,
  ) {
    super(
      reason === 'wrong-key'
        ? `Wrong key: this key is not the one the package was made with (or the package header was altered). Nothing was decrypted.`
        : reason === 'unreadable'
          ? `This package is authentic but its content could not be read (${detail}). Nothing was returned.`
          : `This package was altered or the key is wrong (${detail}). Nothing was decrypted.`,
    );
    this.name = 'PackageRefusedError';
  }
}

export function headerLength(cipher: CipherId): number {
  return 4 + 1 + 1 + 2 + KEY_CHECK_BYTES + IV_BYTES[cipher] + 4 + 4;
}

export function writeHeader(h: PackageHeader): Uint8Array {
  const length = headerLength(h.cipher);
  if (h.iv.length !== IV_BYTES[h.cipher]) throw new Error(`IV must be ${IV_BYTES[h.cipher]} bytes`);
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC[h.cipher]), 0);
  out[4] = h.version ?? FORMAT_VERSION;
  out[5] = CIPHER_CODE[h.cipher];
  view.setUint16(6, length, true);
  out.set(fromHex(h.keyCheck), 8);
  out.set(h.iv, 16);
  view.setUint32(16 + h.iv.length, h.plaintextLength, true);
  view.setUint32(20 + h.iv.length, h.ciphertextLength, true);
  return out;
}

/**
 * Reads and checks the header of a package of the expected kind. Structural
 * damage is refused here; whether the bytes are authentic is decided by the cipher.
 */
export function readHeader(
  pkg: Uint8Array,
  cipher: CipherId,
): { header: PackageHeader; headerBytes: Uint8Array; ciphertext: Uint8Array } {
  const length = headerLength(cipher);
  if (pkg.length < 8) throw new PackageRefusedError('not-a-package', 'too short to be a package');
  const magic = String.fromCharCode(pkg[0], pkg[1], pkg[2], pkg[3]);
  if (magic !== MAGIC[cipher]) {
    const other = magic === GCM_MAGIC || magic === CBC_MAGIC;
    throw new PackageRefusedError(
      other ? 'not-a-package' : 'altered',
      other ? `this is a ${magic} package, expected ${MAGIC[cipher]}` : 'not a CipherScan package: bad magic',
    );
  }
  const view = new DataView(pkg.buffer, pkg.byteOffset, pkg.byteLength);
  if (!READABLE_VERSIONS.has(pkg[4])) throw new PackageRefusedError('altered', `unknown format version ${pkg[4]}`);
  if (pkg[5] !== CIPHER_CODE[cipher]) throw new PackageRefusedError('altered', `unknown cipher code ${pkg[5]}`);
  if (view.getUint16(6, true) !== length || pkg.length < length)
    throw new PackageRefusedError('altered', 'header length does not match');
  const ivBytes = IV_BYTES[cipher];
  const header: PackageHeader = {
    version: pkg[4],
    cipher,
    keyCheck: toHex(pkg.subarray(8, 16)),
    iv: pkg.slice(16, 16 + ivBytes),
    plaintextLength: view.getUint32(16 + ivBytes, true),
    ciphertextLength: view.getUint32(20 + ivBytes, true),
  };
  if (pkg.length !== length + header.ciphertextLength)
    throw new PackageRefusedError('altered', 'package length does not match its header (truncated or extended)');
  return { header, headerBytes: pkg.slice(0, length), ciphertext: pkg.slice(length) };
}

/** The key-check value a package made with `key` carries (versions 2 and 3: salted with the package's IV). */
export function keyCheckFor(key: CipherKey, iv: Uint8Array, version = FORMAT_VERSION): Promise<string> {
  return version === 1 ? Promise.resolve(key.check) : packageKeyCheck(key, iv);
}

/**
 * Refuses (wrong-key) when the header's key-check value is not `key`'s. In
 * version 2 the value depends on the IV, so a changed IV reads as "wrong key" too
 * (the message says the header may have been altered).
 */
export async function assertPackageKey(header: PackageHeader, key: CipherKey): Promise<void> {
  const expected = await keyCheckFor(key, header.iv, header.version);
  if (!bytesEqual(utf8(header.keyCheck), utf8(expected)))
    throw new PackageRefusedError('wrong-key', 'key-check value differs');
}
