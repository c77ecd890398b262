/**
 * What the CLI's server commands share (docs/server.md "CLI"): opening the
 * account file (sealed under a sub-key of the user's key file when `--key` is
 * given), signing in, and turning what can go wrong into one sentence a
 * clinician can act on. The commands themselves (commands/upload.ts, share.ts,
 * …) only say what to send.
 *
 * Must never: print or write a private key, a content key or a session token.
 */
import { type ParsedArgs, UsageError, optionalString, requireOption } from './args';
import { loadKey, readInput } from './io';
import { asBuffer, utf8 } from '../../lib/bytes/bytes';
import type { CipherKey } from '../../lib/keys/key';
import {
  AccountFileError,
  type OpenedAccount,
  SEALING_KEY_BYTES,
  SharingRefusedError,
  openAccountFile,
  parseAccountFile,
} from '../../lib/sharing';
import { PURPOSES, type Purpose, type ServerClient, ServerError, createServerClient } from '../../lib/serverClient';

/**
 * HKDF `info` for the sub-key that seals an account file. `lib/keys/key.ts`
 * SUBKEY_LABELS is a closed table this module may not extend, so the label and the
 * derivation live here: HKDF-SHA256 of the key file's 32 master bytes, empty salt
 * (the master key is uniformly random or Argon2id output), 32 bytes. A distinct
 * label keeps this sub-key independent of the BPE and package sub-keys.
 */
export const ACCOUNT_SEAL_LABEL = 'cipherscan/account-file-v1/seal';

/** The 32-byte sealing key for an account file; the caller zeroes it after use. */
export async function accountSealingKey(key: CipherKey): Promise<Uint8Array> {
  const master = asBuffer(key.master);
  try {
    const hkdf = await crypto.subtle.importKey('raw', master, 'HKDF', false, ['deriveBits']);
    const bits = await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: asBuffer(utf8(ACCOUNT_SEAL_LABEL)) },
      hkdf,
      SEALING_KEY_BYTES * 8,
    );
    return new Uint8Array(bits);
  } finally {
    master.fill(0);
  }
}

/** The options signIn (openAccount, serverUrl, optionalUserKey) reads. */
export const SIGN_IN_OPTIONS = { values: ['server', 'account', 'key', 'passphrase'] } as const;

/** `--key K` when given: the user's key file (passphrase key files take --passphrase or CIPHERSCAN_PASSPHRASE). */
export async function optionalUserKey(args: ParsedArgs): Promise<CipherKey | undefined> {
  const path = optionalString(args, 'key');
  return path === undefined ? undefined : loadKey(path, optionalString(args, 'passphrase'));
}

/** Opens `--account FILE`; a sealed file needs `--key`. */
export async function openAccount(args: ParsedArgs, userKey?: CipherKey): Promise<OpenedAccount> {
  const path = requireOption(args, 'account');
  const text = new TextDecoder().decode(await readInput(path));
  try {
    const file = parseAccountFile(text);
    const key = userKey ?? (await optionalUserKey(args));
    const sealingKey = key ? await accountSealingKey(key) : undefined;
    try {
      return await openAccountFile(file, sealingKey);
    } finally {
      sealingKey?.fill(0);
    }
  } catch (err) {
    if (err instanceof AccountFileError) throw new UsageError(`${path}: ${err.message}`);
    throw err;
  }
}

/** `--server URL`, by default the server the account file was made on. */
export function serverUrl(args: ParsedArgs, account?: OpenedAccount): string {
  const url = optionalString(args, 'server') ?? account?.server;
  if (url === undefined) throw new UsageError('missing --server <URL>');
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--server must be the server's address, like http://localhost:8787, not "${url}"`);
  }
  return url;
}

/** Opens the account and signs in to the server with its signing key. */
export async function signIn(args: ParsedArgs): Promise<{ client: ServerClient; me: OpenedAccount }> {
  const me = await openAccount(args);
  const client = createServerClient({ baseUrl: serverUrl(args, me) });
  await explained(client.signIn(me.account.name, me.signKey));
  return { client, me };
}

/** `--purpose`: one of the contract's purposes. */
export function purposeFrom(args: ParsedArgs): Purpose {
  const value = requireOption(args, 'purpose');
  if (!(PURPOSES as readonly string[]).includes(value))
    throw new UsageError(`--purpose must be one of ${PURPOSES.join(', ')}; got "${value}"`);
  return value as Purpose;
}

/** `--until DATE` (ISO 8601, e.g. 2027-01-31): checked to be a date in the future. */
export function untilFrom(args: ParsedArgs, now = new Date()): string | undefined {
  const value = optionalString(args, 'until');
  if (value === undefined) return undefined;
  const at = /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) throw new UsageError(`--until must be a date like 2027-01-31, not "${value}"`);
  if (at <= now.getTime()) throw new UsageError(`--until ${value} is already past`);
  return new Date(at).toISOString();
}

export const NOT_SHARED = 'this scan is not shared with you (or does not exist)';

/**
 * Runs a server call and rewords what a clinician cannot act on: a 404 (the
 * server says the same for "does not exist" and "not yours", on purpose) and a
 * downloaded bundle that fails its checks. Other server refusals keep the
 * server's own sentence; an unreachable server names the URL.
 */
export async function explained<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof ServerError && err.status === 404) throw new Error(NOT_SHARED, { cause: err });
    if (err instanceof SharingRefusedError)
      throw new Error(`the downloaded scan failed its checks and was not opened: ${err.message}`, { cause: err });
    throw err;
  }
}
