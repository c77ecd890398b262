/**
 * What a server process holds in memory for a while and per caller — the
 * encrypted-inference sessions (he/sessions.ts) and the federated networks
 * (federated/networks.ts): entries under 128-bit random ids, forgotten once idle
 * past `idleMs`, found only by a caller they belong to, and kept in use order
 * (least recently used first) so an owner that must make room can end the
 * oldest. The owner sets its own bounds (count, bytes) on top; `onRemove` frees
 * what an entry holds, whichever way it leaves (ended, evicted, expired).
 *
 * Time is read from an injected clock and expiry is settled lazily, on access.
 */
import { randomBytes } from 'node:crypto';

/** Entry ids: 128 random bits, base64url (22 characters). */
export const ENTRY_ID = /^[A-Za-z0-9_-]{22}$/;

export interface Expiring {
  /** when the entry is forgotten unless used before (the store sets it) */
  expiresAt: number;
}

export interface ExpiringStoreOptions<T> {
  idleMs: number;
  now: () => number;
  /** whether `accountId` may find the entry; anybody else gets nothing, as for an unknown id */
  belongsTo(entry: T, accountId: string): boolean;
  onRemove?(entry: T): void;
}

export class ExpiringStore<T extends Expiring> {
  /** insertion order = use order: the first entry is the least recently used */
  private readonly entries = new Map<string, T>();

  constructor(private readonly options: ExpiringStoreOptions<T>) {}

  get size(): number {
    return this.entries.size;
  }

  /** Keeps the entry `make` builds under a new id; the caller checks its bounds first. */
  add(make: (id: string, expiresAt: number) => T): T {
    const id = randomBytes(16).toString('base64url');
    const entry = make(id, this.options.now() + this.options.idleMs);
    this.entries.set(id, entry);
    return entry;
  }

  /** The caller's live entry, marked used; undefined for a malformed, unknown, expired or someone else's id. */
  use(accountId: string, id: string): T | undefined {
    this.expire();
    const entry = ENTRY_ID.test(id) ? this.entries.get(id) : undefined;
    if (!entry || !this.options.belongsTo(entry, accountId)) return undefined;
    this.touch(id);
    return entry;
  }

  /** Restarts an entry's idle clock (and makes it the most recently used). */
  touch(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.entries.set(id, entry);
    entry.expiresAt = this.options.now() + this.options.idleMs;
  }

  /** The live entries, least recently used first. */
  values(): T[] {
    return [...this.entries.values()];
  }

  /** Forgets an entry (onRemove runs once); false when there was none. */
  remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    this.options.onRemove?.(entry);
    return true;
  }

  clear(): void {
    for (const id of [...this.entries.keys()]) this.remove(id);
  }

  /** Forgets every entry idle past its time. */
  expire(): void {
    const now = this.options.now();
    for (const [id, entry] of [...this.entries]) if (entry.expiresAt <= now) this.remove(id);
  }
}
