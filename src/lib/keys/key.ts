/**
 * The user's key: 256 random bits, made at random or from a passphrase with
 * Argon2id, and the sub-keys derived from it (ARCHITECTURE.md §2).
 *
 * Lifetime: the master bytes live in the `CipherKey` only; every WebCrypto import
 * gets a copy that is zeroed once imported, AES sub-keys are derived straight into
 * non-extractable CryptoKeys (no sub-key bytes exist), and the one sub-key that
 * must exist as bytes (BPE's ChaCha20 key) is zeroed by its caller after use.
 * `wipeKey` zeroes the master bytes (Forget key, a replaced key) and makes every
 * later use of that key object fail with KeyForgottenError instead of running on
 * an all-zero key.
 *
 * Must never: log key bytes, put them in storage, or send them anywhere. A
 * `CipherKey` lives in memory only; a key file is written only when the user asks.
 */
import { argon2id } from 'hash-wasm';
import { asBuffer, bytesEqual, toHex, utf8 } from '../bytes/bytes';
import { kdfCostProblem, kdfSaltProblem, SALT_BYTES } from './kdfPolicy';

export const KEY_BYTES = 32;

/** Argon2id cost. Defaults follow RFC 9106's second recommended option (64 MiB, t=3, p=1); the floor is kdfPolicy's. */
export interface KdfParams {
  algorithm: 'argon2id';
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  /** 16 random bytes, hex */
  salt: string;
}

export const DEFAULT_KDF: Omit<KdfParams, 'salt'> = {
  algorithm: 'argon2id',
  memoryKiB: 64 * 1024,
  iterations: 3,
  parallelism: 1,
};

export interface CipherKey {
  /** the 256-bit master key; never leaves memory unless exported on request */
  readonly master: Uint8Array;
  readonly origin: 'random' | 'passphrase' | 'imported';
  /** present when the key came from a passphrase; needed to re-derive it */
  readonly kdf?: KdfParams;
  /** 8-byte HMAC tag of a fixed label, hex: lets us say "wrong key" */
  readonly check: string;
}

/** HKDF `info` labels. Changing one changes every ciphertext made with it: version them. */
export const SUBKEY_LABELS = {
  bpe: 'cipherscan/bpe-v1/permutations',
  aesGcm: 'cipherscan/aes-gcm-v1/package',
  aesCbc: 'cipherscan/aes-cbc-v1/comparison-only',
} as const;
export type SubkeyPurpose = keyof typeof SUBKEY_LABELS;

const KEY_CHECK_LABEL = 'cipherscan/key-check/v1';

/** A key was used after it was wiped (Forget key, or a new key replaced it). */
export class KeyForgottenError extends Error {
  constructor() {
    super('this key was forgotten (Forget key, or a new key replaced it): make or load the key again');
    this.name = 'KeyForgottenError';
  }
}

const wipedKeys = new WeakSet<CipherKey>();

/**
 * Zeroes the key's master bytes in place and marks the object: every later use of it (sub-keys, check
 * values, a key file) throws KeyForgottenError. Call it only once nothing needs the key any more.
 */
export function wipeKey(key: CipherKey): void {
  key.master.fill(0);
  wipedKeys.add(key);
}

/** Throws KeyForgottenError for a wiped key (caches keyed by the key object check this before a hit). */
export function assertKeyUsable(key: CipherKey): void {
  if (wipedKeys.has(key)) throw new KeyForgottenError();
}

/** Runs `use` on a copy of `bytes` and zeroes the copy afterwards (WebCrypto imports keep their own). */
async function withCopy<T>(bytes: Uint8Array, use: (copy: Uint8Array<ArrayBuffer>) => Promise<T>): Promise<T> {
  const copy = asBuffer(bytes);
  try {
    return await use(copy);
  } finally {
    copy.fill(0);
  }
}

export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  crypto.getRandomValues(out);
  return out;
}

function importHmacKey(master: Uint8Array): Promise<CryptoKey> {
  return withCopy(master, (raw) =>
    crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
  );
}

/** First 8 bytes of HMAC-SHA256(master, message), hex: the form of every key-check value. */
async function checkTag(hmacKey: Promise<CryptoKey>, message: Uint8Array): Promise<string> {
  const tag = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey, asBuffer(message)));
  return toHex(tag.subarray(0, 8));
}

export async function keyCheckValue(master: Uint8Array): Promise<string> {
  return checkTag(importHmacKey(master), utf8(KEY_CHECK_LABEL));
}

/** One non-extractable HMAC key per user key, imported on first use (every package pack/open needs it). */
const packageCheckKeys = new WeakMap<CipherKey, Promise<CryptoKey>>();

const PACKAGE_CHECK_LABEL = 'cipherscan/package-check/v2';

/**
 * Key-check value of one package (format version 2): HMAC-SHA256(master key,
 * label || salt), first 8 bytes, with the package's random IV as the salt. It
 * still tells "wrong key" from "altered", but differs from package to package,
 * so packages made with one key cannot be linked to each other by this field
 * (the key file's fixed check value would link them all).
 */
export async function packageKeyCheck(key: CipherKey, salt: Uint8Array): Promise<string> {
  const label = utf8(PACKAGE_CHECK_LABEL);
  const message = new Uint8Array(label.length + salt.length);
  message.set(label);
  message.set(salt, label.length);
  assertKeyUsable(key); // the cached HMAC key would otherwise outlive a wiped key
  let hmacKey = packageCheckKeys.get(key);
  if (!hmacKey) {
    hmacKey = importHmacKey(key.master);
    packageCheckKeys.set(key, hmacKey);
    // a failed import is not cached: the next package tries again
    hmacKey.catch(() => packageCheckKeys.delete(key));
  }
  return checkTag(hmacKey, message);
}

export async function keyFromBytes(
  master: Uint8Array,
  origin: CipherKey['origin'],
  kdf?: KdfParams,
): Promise<CipherKey> {
  if (master.length !== KEY_BYTES) throw new Error(`a key is ${KEY_BYTES} bytes; got ${master.length}`);
  return { master: master.slice(), origin, kdf, check: await keyCheckValue(master) };
}

export async function generateKey(): Promise<CipherKey> {
  const bytes = randomBytes(KEY_BYTES);
  try {
    return await keyFromBytes(bytes, 'random');
  } finally {
    bytes.fill(0); // the key holds its own copy
  }
}

/**
 * Argon2id of the passphrase. Without `params.salt` this makes a NEW key (fresh
 * random salt) and refuses a passphrase too easy to guess (WeakPassphraseError,
 * strength.ts). With a salt it re-derives an existing key (a key file being
 * opened): its passphrase is not judged again, so nobody is locked out of what
 * they already encrypted. Either way a cost below OWASP's floor or a salt that is
 * not random is refused before any work (kdfPolicy.ts).
 */
export async function deriveKeyFromPassphrase(passphrase: string, params: Partial<KdfParams> = {}): Promise<CipherKey> {
  if (passphrase.length === 0) throw new Error('the passphrase is empty');
  const fresh = params.salt === undefined;
  const kdf: KdfParams = { ...DEFAULT_KDF, salt: toHex(randomBytes(SALT_BYTES)), ...params };
  if (kdf.algorithm !== 'argon2id') throw new Error(`unknown key derivation "${String(kdf.algorithm)}"`);
  const problem = kdfCostProblem(kdf) ?? kdfSaltProblem(kdf.salt);
  if (problem) throw new Error(`passphrase key: ${problem}`);
  if (fresh) {
    // zxcvbn's dictionaries are large: loaded only when a new key is made, not with every worker
    const { weakPassphraseProblem, WeakPassphraseError } = await import('./strength');
    const weak = weakPassphraseProblem(passphrase);
    if (weak) throw new WeakPassphraseError(weak);
  }
  const master = await argon2id({
    password: passphrase.normalize('NFC'),
    salt: hexToBytes(kdf.salt),
    iterations: kdf.iterations,
    parallelism: kdf.parallelism,
    memorySize: kdf.memoryKiB,
    hashLength: KEY_BYTES,
    outputType: 'binary',
  });
  try {
    return await keyFromBytes(master, 'passphrase', kdf);
  } finally {
    master.fill(0); // the key holds its own copy
  }
}

function hkdfParams(purpose: SubkeyPurpose): HkdfParams {
  return { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: asBuffer(utf8(SUBKEY_LABELS[purpose])) };
}

function importHkdfKey(key: CipherKey, usage: KeyUsage): Promise<CryptoKey> {
  assertKeyUsable(key);
  return withCopy(key.master, (raw) => crypto.subtle.importKey('raw', raw, 'HKDF', false, [usage]));
}

/**
 * HKDF-SHA256 sub-key bytes for one purpose; distinct labels make the sub-keys independent. Only for a
 * sub-key that must exist as bytes (BPE's ChaCha20 key): the caller zeroes them as soon as it is done.
 */
export async function deriveSubkey(key: CipherKey, purpose: SubkeyPurpose, length = 32): Promise<Uint8Array> {
  const bits = await crypto.subtle.deriveBits(hkdfParams(purpose), await importHkdfKey(key, 'deriveBits'), length * 8);
  return new Uint8Array(bits);
}

/**
 * The same HKDF sub-key (256 bits) as a non-extractable AES CryptoKey: its bytes never exist in script
 * memory. Equal to importing `deriveSubkey(key, purpose)` (packages made either way open either way).
 */
export async function deriveAesSubkey(
  key: CipherKey,
  purpose: 'aesGcm' | 'aesCbc',
  algorithm: 'AES-GCM' | 'AES-CBC',
): Promise<CryptoKey> {
  return crypto.subtle.deriveKey(
    hkdfParams(purpose),
    await importHkdfKey(key, 'deriveKey'),
    { name: algorithm, length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export class WrongKeyError extends Error {
  constructor(message = 'wrong key: this key does not match the one the data was made with') {
    super(message);
    this.name = 'WrongKeyError';
  }
}

/** Throws WrongKeyError when `key` is not the key whose check value is `expected`. */
export function assertKeyCheck(key: Pick<CipherKey, 'check'>, expected: string): void {
  if (!bytesEqual(utf8(key.check), utf8(expected.toLowerCase()))) throw new WrongKeyError();
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
