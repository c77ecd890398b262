/**
 * Key files: JSON, versioned. A random key's file holds the key itself (treat it
 * like a password). A passphrase key's file holds the salt, the Argon2id cost and
 * the check value, not the key: the passphrase is needed to use it. But the check
 * value lets anyone who has the file test guesses at the passphrase offline, as
 * fast as the cost allows, so the file must be kept as private as the passphrase;
 * a file asking for less than OWASP's cost floor or with a non-random salt is
 * refused (kdfPolicy.ts).
 *
 * Must never: open a file whose cost or salt fails kdfPolicy, or start a
 * derivation before the file has been checked.
 */
import { fromBase64, toBase64 } from '../bytes/bytes';
import {
  assertKeyCheck,
  assertKeyUsable,
  type CipherKey,
  deriveKeyFromPassphrase,
  keyFromBytes,
  type KdfParams,
  WrongKeyError,
} from './key';
import { kdfCostProblem, kdfSaltProblem } from './kdfPolicy';

export { KDF_LIMITS, kdfCostProblem } from './kdfPolicy';

export const KEY_FILE_FORMAT = 'cipherscan-key';
export const KEY_FILE_VERSION = 1;

export interface KeyFile {
  format: typeof KEY_FILE_FORMAT;
  version: typeof KEY_FILE_VERSION;
  kind: 'random' | 'passphrase';
  check: string;
  /** base64 master key, random keys only */
  key?: string;
  kdf?: KdfParams;
}

export function exportKeyFile(key: CipherKey): string {
  assertKeyUsable(key); // a wiped key's bytes are zeros: never write those as "the key"
  const file: KeyFile =
    key.kdf && key.origin === 'passphrase'
      ? { format: KEY_FILE_FORMAT, version: KEY_FILE_VERSION, kind: 'passphrase', check: key.check, kdf: key.kdf }
      : {
          format: KEY_FILE_FORMAT,
          version: KEY_FILE_VERSION,
          kind: 'random',
          check: key.check,
          key: toBase64(key.master),
        };
  return JSON.stringify(file, null, 2) + '\n';
}

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

export function parseKeyFile(text: string): KeyFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new KeyFileError('not a CipherScan key file (it is not JSON)');
  }
  const f = raw as Partial<KeyFile>;
  if (f?.format !== KEY_FILE_FORMAT) throw new KeyFileError('not a CipherScan key file');
  if (f.version !== KEY_FILE_VERSION)
    throw new KeyFileError(
      `key file version ${String(f.version)} is not supported (this app reads version ${KEY_FILE_VERSION})`,
    );
  if (f.kind !== 'random' && f.kind !== 'passphrase') throw new KeyFileError('key file: unknown kind');
  if (typeof f.check !== 'string' || !/^[0-9a-f]{16}$/.test(f.check))
    throw new KeyFileError('key file: missing or damaged key-check value');
  if (f.kind === 'random' && typeof f.key !== 'string') throw new KeyFileError('key file: the key is missing');
  if (f.kind === 'passphrase') checkKdf(f.kdf);
  return f as KeyFile;
}

function checkKdf(kdf: Partial<KdfParams> | undefined): void {
  if (!kdf) throw new KeyFileError('key file: passphrase parameters are missing');
  if (kdf.algorithm !== 'argon2id')
    throw new KeyFileError(`key file: unknown key derivation "${String(kdf.algorithm)}" (this app uses argon2id)`);
  const problem = kdfCostProblem(kdf);
  if (problem) throw new KeyFileError(`key file: ${problem}`);
  const saltProblem = kdfSaltProblem(kdf.salt);
  if (saltProblem) throw new KeyFileError(`key file: ${saltProblem}`);
}

export function keyFileNeedsPassphrase(text: string): boolean {
  return parseKeyFile(text).kind === 'passphrase';
}

/** Opens a key file; passphrase files need the passphrase. A wrong passphrase gives WrongKeyError. */
export async function importKeyFile(text: string, passphrase?: string): Promise<CipherKey> {
  const file = parseKeyFile(text);
  let key: CipherKey;
  if (file.kind === 'random') {
    const bytes = fromBase64(file.key!);
    try {
      key = await keyFromBytes(bytes, 'imported');
    } finally {
      bytes.fill(0); // the key holds its own copy
    }
  } else {
    if (passphrase === undefined) throw new KeyFileError('this key file needs its passphrase');
    key = await deriveKeyFromPassphrase(passphrase, file.kdf);
  }
  try {
    assertKeyCheck(key, file.check);
  } catch (err) {
    // no data is involved yet: say what did not match (the passphrase, or the file's own bytes)
    if (!(err instanceof WrongKeyError)) throw err;
    throw new WrongKeyError(
      file.kind === 'passphrase'
        ? 'wrong key: this passphrase does not open this key file'
        : 'wrong key: this key file is damaged (its key does not match its check value)',
    );
  }
  return key;
}
