/**
 * The CLI's account file (docs/server.md "Account keys"): who the account is on
 * which server, its public keys, and its private keys, either plain (the file is
 * then protected by its mode, 0600, only) or sealed with AES-256-GCM under a
 * 32-byte key the caller gives (the CLI derives it from the user's key file).
 * This module turns bytes into keys and back; the CLI reads and writes the file.
 *
 * Must never: write a private key of a sealed account in the clear, or open a
 * sealed file without its sealing key. The sealed part is bound (as GCM
 * additional data) to the account id and the public keys, so it cannot be
 * pasted into another account's file.
 */
import { base64url } from 'jose';
import { asBuffer, utf8 } from '../bytes/bytes';
import { randomBytes } from '../keys/key';
import {
  type AccountKeys,
  type PrivateJwk,
  type PublicJwk,
  KeyFormatError,
  exportPrivateJwk,
  importPrivateKey,
  importPublicKey,
  parsePrivateJwk,
  parsePublicJwk,
  sameKey,
} from './accountKeys';
import { isAccountId } from './record';

export const ACCOUNT_FILE_FORMAT = 'cipherscan-account';
export const ACCOUNT_FILE_VERSION = 1;
export const SEALING_KEY_BYTES = 32;
const SEAL_IV_BYTES = 12;
/** An account file is a few hundred bytes; anything far larger is not one. */
const MAX_ACCOUNT_FILE_CHARS = 64 * 1024;

export interface AccountIdentity {
  id: string;
  name: string;
  role: string;
}

export interface PlainPrivateKeys {
  signJwk: PrivateJwk;
  wrapJwk: PrivateJwk;
}

export interface SealedPrivateKeys {
  sealed: { alg: 'A256GCM'; iv: string; ciphertext: string };
}

export interface AccountFile {
  format: typeof ACCOUNT_FILE_FORMAT;
  version: typeof ACCOUNT_FILE_VERSION;
  /** the server's URL */
  server: string;
  account: AccountIdentity;
  signJwk: PublicJwk;
  wrapJwk: PublicJwk;
  private: PlainPrivateKeys | SealedPrivateKeys;
}

/** An opened account: who it is and its private keys as non-extractable CryptoKeys. */
export interface OpenedAccount {
  server: string;
  account: AccountIdentity;
  signJwk: PublicJwk;
  wrapJwk: PublicJwk;
  signKey: CryptoKey;
  wrapKey: CryptoKey;
}

/** An account file that cannot be read or opened; the message says what to do. */
export class AccountFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AccountFileError';
  }
}

export function isSealed(file: AccountFile): boolean {
  return 'sealed' in file.private;
}

/**
 * The account file's text (JSON). `keys` must have been made extractable. With
 * `sealingKey` (32 bytes) the private keys are sealed; without it they are
 * written plain and the file must be kept private by its mode.
 */
export async function exportAccountFile(options: {
  server: string;
  account: AccountIdentity;
  keys: AccountKeys;
  sealingKey?: Uint8Array;
}): Promise<string> {
  const { server, account, keys, sealingKey } = options;
  checkIdentity(account);
  const privateKeys: PlainPrivateKeys = {
    signJwk: await exportPrivateJwk(keys.sign.privateKey),
    wrapJwk: await exportPrivateJwk(keys.wrap.privateKey),
  };
  const file: AccountFile = {
    format: ACCOUNT_FILE_FORMAT,
    version: ACCOUNT_FILE_VERSION,
    server,
    account: { id: account.id, name: account.name, role: account.role },
    signJwk: parsePublicJwk(keys.signJwk),
    wrapJwk: parsePublicJwk(keys.wrapJwk),
    private: privateKeys,
  };
  if (sealingKey) {
    const plaintext = utf8(JSON.stringify(privateKeys));
    const iv = randomBytes(SEAL_IV_BYTES);
    try {
      const ciphertext = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: asBuffer(iv), additionalData: asBuffer(sealBinding(file)) },
        await importSealingKey(sealingKey, 'encrypt'),
        asBuffer(plaintext),
      );
      file.private = {
        sealed: { alg: 'A256GCM', iv: base64url.encode(iv), ciphertext: base64url.encode(new Uint8Array(ciphertext)) },
      };
    } finally {
      plaintext.fill(0);
    }
  }
  return JSON.stringify(file, null, 2) + '\n';
}

/** Parses and checks an account file's text; AccountFileError says what is wrong with it. */
export function parseAccountFile(text: string): AccountFile {
  if (typeof text !== 'string' || text.length > MAX_ACCOUNT_FILE_CHARS)
    throw new AccountFileError('this file is too large to be a CipherScan account file');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new AccountFileError('this is not a CipherScan account file (it is not JSON)', { cause });
  }
  const file = value as Partial<AccountFile> | null;
  if (typeof file !== 'object' || file === null || file.format !== ACCOUNT_FILE_FORMAT)
    throw new AccountFileError('this is not a CipherScan account file');
  if (file.version !== ACCOUNT_FILE_VERSION)
    throw new AccountFileError(`this account file is version ${String(file.version)}; this program reads version 1`);
  if (typeof file.server !== 'string' || !file.server)
    throw new AccountFileError('the account file does not say which server it belongs to');
  checkIdentity(file.account);
  let signJwk: PublicJwk, wrapJwk: PublicJwk;
  try {
    signJwk = parsePublicJwk(file.signJwk);
    wrapJwk = parsePublicJwk(file.wrapJwk);
  } catch (cause) {
    throw new AccountFileError(`the account file's public keys are damaged (${(cause as Error).message})`, { cause });
  }
  const account = { id: file.account!.id, name: file.account!.name, role: file.account!.role };
  return {
    format: ACCOUNT_FILE_FORMAT,
    version: ACCOUNT_FILE_VERSION,
    server: file.server,
    account,
    signJwk,
    wrapJwk,
    private: parsePrivatePart(file.private),
  };
}

/**
 * Opens the private keys. A sealed file needs the same 32-byte sealing key it
 * was sealed with; a wrong key or an altered file is refused. The private keys
 * must match the file's public keys (a file assembled from two accounts is refused).
 */
export async function openAccountFile(file: AccountFile, sealingKey?: Uint8Array): Promise<OpenedAccount> {
  let privateKeys: PlainPrivateKeys;
  if ('sealed' in file.private) {
    if (!sealingKey)
      throw new AccountFileError('this account file is locked with a key file: give the key (--key) to open it');
    privateKeys = await unseal(file, file.private, sealingKey);
  } else {
    privateKeys = file.private;
  }
  if (!sameKey(privateKeys.signJwk, file.signJwk) || !sameKey(privateKeys.wrapJwk, file.wrapJwk))
    throw new AccountFileError("the account file's private keys do not belong to its public keys: the file is damaged");
  try {
    // importing the public halves too checks that each point is on the curve
    await importPublicKey(file.signJwk, 'sign');
    await importPublicKey(file.wrapJwk, 'wrap');
    return {
      server: file.server,
      account: { ...file.account },
      signJwk: file.signJwk,
      wrapJwk: file.wrapJwk,
      signKey: await importPrivateKey(privateKeys.signJwk, 'sign'),
      wrapKey: await importPrivateKey(privateKeys.wrapJwk, 'wrap'),
    };
  } catch (cause) {
    throw new AccountFileError(`the account file's keys are damaged (${(cause as Error).message})`, { cause });
  }
}

async function unseal(file: AccountFile, part: SealedPrivateKeys, sealingKey: Uint8Array): Promise<PlainPrivateKeys> {
  let plaintext: Uint8Array;
  try {
    plaintext = new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: asBuffer(base64url.decode(part.sealed.iv)),
          additionalData: asBuffer(sealBinding(file)),
        },
        await importSealingKey(sealingKey, 'decrypt'),
        asBuffer(base64url.decode(part.sealed.ciphertext)),
      ),
    );
  } catch (cause) {
    throw new AccountFileError(
      'this account file does not open with this key: use the key file it was created with (or the file was altered)',
      { cause },
    );
  }
  try {
    const value = JSON.parse(new TextDecoder().decode(plaintext)) as Partial<PlainPrivateKeys>;
    return parsePlain(value);
  } catch (cause) {
    throw new AccountFileError("the account file's locked keys are damaged", { cause });
  } finally {
    plaintext.fill(0);
  }
}

/** GCM additional data: the sealed keys belong to this account id and these public keys. */
function sealBinding(file: AccountFile): Uint8Array {
  const { kty, crv, x, y } = file.signJwk;
  const w = file.wrapJwk;
  return utf8(
    JSON.stringify([
      ACCOUNT_FILE_FORMAT,
      ACCOUNT_FILE_VERSION,
      file.account.id,
      [kty, crv, x, y],
      [w.kty, w.crv, w.x, w.y],
    ]),
  );
}

async function importSealingKey(bytes: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  if (!(bytes instanceof Uint8Array) || bytes.length !== SEALING_KEY_BYTES)
    throw new AccountFileError(`the sealing key must be ${SEALING_KEY_BYTES} bytes`);
  const copy = asBuffer(bytes);
  try {
    return await crypto.subtle.importKey('raw', copy, 'AES-GCM', false, [usage]);
  } finally {
    copy.fill(0);
  }
}

function parsePrivatePart(value: unknown): PlainPrivateKeys | SealedPrivateKeys {
  if (typeof value !== 'object' || value === null)
    throw new AccountFileError('the account file has no private keys: it cannot sign or open anything');
  if ('sealed' in value) {
    const sealed = (value as SealedPrivateKeys).sealed as Record<string, unknown> | null;
    const b64url = /^[A-Za-z0-9_-]+$/;
    if (
      typeof sealed !== 'object' ||
      sealed === null ||
      sealed.alg !== 'A256GCM' ||
      typeof sealed.iv !== 'string' ||
      !b64url.test(sealed.iv) ||
      base64url.decode(sealed.iv).length !== SEAL_IV_BYTES ||
      typeof sealed.ciphertext !== 'string' ||
      !b64url.test(sealed.ciphertext)
    )
      throw new AccountFileError("the account file's locked keys are damaged");
    return { sealed: { alg: 'A256GCM', iv: sealed.iv, ciphertext: sealed.ciphertext } };
  }
  return parsePlain(value as Partial<PlainPrivateKeys>);
}

function parsePlain(value: Partial<PlainPrivateKeys>): PlainPrivateKeys {
  try {
    return { signJwk: parsePrivateJwk(value.signJwk), wrapJwk: parsePrivateJwk(value.wrapJwk) };
  } catch (cause) {
    const detail = cause instanceof KeyFormatError ? ` (${cause.message})` : '';
    throw new AccountFileError(`the account file's private keys are damaged${detail}`, { cause });
  }
}

function checkIdentity(account: unknown): asserts account is AccountIdentity {
  const a = account as Partial<AccountIdentity> | null;
  if (typeof a !== 'object' || a === null || !isAccountId(a.id))
    throw new AccountFileError('the account file does not say which account it is');
  if (typeof a.name !== 'string' || !a.name || typeof a.role !== 'string' || !a.role)
    throw new AccountFileError("the account file lacks the account's name or role");
}
