/**
 * The page's account keys (docs/server.md "Keys and the shared-package format"),
 * kept in this browser profile's IndexedDB, one entry per server origin and
 * account: the two private halves as NON-EXTRACTABLE CryptoKeys (IndexedDB stores
 * CryptoKey objects by structured clone; a non-extractable key's bytes can never be
 * read back by any script, this page's included) and the public halves as JWKs.
 *
 * Why IndexedDB and not memory: a passkey signs the user in again after a reload,
 * but only the keys made when they joined can open what was shared with them and
 * sign their records. Why per origin: two servers are two directories of accounts.
 *
 * Must never: store an extractable private key, a session token, or anything else
 * (`checkStorable` refuses it before a write); log anything.
 */
import { parsePublicJwk, type PublicJwk } from '../../lib/sharing/accountKeys';

export interface StoredAccountKeys {
  /** the server's origin ("http://localhost:4173") */
  origin: string;
  accountId: string;
  /** ES256 private key: signs record headers */
  signKey: CryptoKey;
  /** ECDH P-256 private key: unwraps content keys wrapped for this account */
  wrapKey: CryptoKey;
  signJwk: PublicJwk;
  wrapJwk: PublicJwk;
}

const DB_NAME = 'cipherscan-account-keys';
const DB_VERSION = 1;
const STORE = 'accounts';

/** One entry per server and account: the origin is part of the key. */
export function entryKey(origin: string, accountId: string): string {
  return `${new URL(origin).origin} ${accountId}`;
}

/** Refuses what must not be written: a private key that is extractable, or a key of the wrong kind. */
export function checkStorable(keys: StoredAccountKeys): void {
  for (const [what, key, usage] of [
    ['signing', keys.signKey, 'sign'],
    ['wrapping', keys.wrapKey, 'deriveBits'],
  ] as const) {
    if (!(key instanceof CryptoKey) || key.type !== 'private')
      throw new Error(`the account's ${what} key must be a private CryptoKey`);
    if (key.extractable) throw new Error(`the account's ${what} key must be non-extractable to be kept in the browser`);
    if (!key.usages.includes(usage)) throw new Error(`the account's ${what} key cannot ${usage}`);
  }
  parsePublicJwk(keys.signJwk);
  parsePublicJwk(keys.wrapJwk);
}

/** What was read back, checked again: another script of this origin could have written anything there. */
export function readStored(value: unknown, origin: string, accountId: string): StoredAccountKeys | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<StoredAccountKeys>;
  if (v.accountId !== accountId || v.origin !== new URL(origin).origin) return null;
  const keys = v as StoredAccountKeys;
  try {
    checkStorable(keys);
  } catch {
    return null;
  }
  return {
    origin: keys.origin,
    accountId: keys.accountId,
    signKey: keys.signKey,
    wrapKey: keys.wrapKey,
    signJwk: parsePublicJwk(keys.signJwk),
    wrapJwk: parsePublicJwk(keys.wrapJwk),
  };
}

function openDb(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error('this browser could not open its key storage (private window?)'));
    request.onblocked = () => reject(new Error('the key storage is busy in another tab: close it and try again'));
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  run: (store: IDBObjectStore) => IDBRequest,
  factory: IDBFactory,
): Promise<T> {
  const db = await openDb(factory);
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = run(tx.objectStore(STORE));
      let result: T;
      request.onsuccess = () => {
        result = request.result as T;
      };
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(new Error('this browser refused to read or write its key storage'));
      tx.onabort = () => reject(new Error('this browser refused to read or write its key storage'));
    });
  } finally {
    db.close();
  }
}

/** Keeps the account's keys for this server; replaces what was kept for the same account. */
export async function saveAccountKeys(keys: StoredAccountKeys, factory: IDBFactory = indexedDB): Promise<void> {
  checkStorable(keys);
  const entry: StoredAccountKeys = {
    origin: new URL(keys.origin).origin,
    accountId: keys.accountId,
    signKey: keys.signKey,
    wrapKey: keys.wrapKey,
    signJwk: parsePublicJwk(keys.signJwk),
    wrapJwk: parsePublicJwk(keys.wrapJwk),
  };
  await withStore('readwrite', (s) => s.put(entry, entryKey(keys.origin, keys.accountId)), factory);
}

/** The keys this browser keeps for the account on this server, or null (joined elsewhere, or storage cleared). */
export async function loadAccountKeys(
  origin: string,
  accountId: string,
  factory: IDBFactory = indexedDB,
): Promise<StoredAccountKeys | null> {
  const value = await withStore<unknown>('readonly', (s) => s.get(entryKey(origin, accountId)), factory);
  return readStored(value, origin, accountId);
}

/** Drops the account's keys from this browser (what was shared with it can then no longer be opened here). */
export async function forgetAccountKeys(
  origin: string,
  accountId: string,
  factory: IDBFactory = indexedDB,
): Promise<void> {
  await withStore('readwrite', (s) => s.delete(entryKey(origin, accountId)), factory);
}
