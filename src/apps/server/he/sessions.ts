/**
 * The encrypted-inference sessions a server process holds in memory: per session,
 * one shipped model's head prepared for a client's Galois keys (a CkksHead: SEAL
 * objects in the wasm heap). Preparing takes hundreds of milliseconds (loading the
 * keys), evaluating one ciphertext about twenty, hence sessions rather than keys
 * sent with every request.
 *
 * Bounded three ways, and least recently used first out: a session idle past its
 * TTL ends, a server holds at most `maxSessions` and `maxBytes` (the heap the keys
 * and diagonals take), and an account at most `maxPerAccount` (so one account
 * cannot push everybody else's sessions out). An ended session's SEAL objects are
 * deleted at once. Sessions are per process: a replica that did not make a session
 * answers 404 and the client opens a new one. Nothing here is secret: Galois keys
 * are evaluation keys, useless for decryption.
 */
import { randomBytes } from 'node:crypto';
import type { CkksHead } from '../../../lib/cipher/ckks';

export interface HeSessionLimits {
  maxSessions: number;
  maxBytes: number;
  maxPerAccount: number;
  idleMs: number;
}

export const DEFAULT_HE_SESSION_LIMITS: HeSessionLimits = {
  maxSessions: 64,
  maxBytes: 512 * 1024 * 1024,
  maxPerAccount: 4,
  idleMs: 15 * 60_000,
};

export interface HeSessionEntry {
  id: string;
  accountId: string;
  model: string;
  head: CkksHead;
  /** wasm heap the session holds (keys and diagonals, uncompressed) */
  bytes: number;
  expiresAt: number;
}

/** Session ids: 128 random bits, base64url (22 characters). */
export const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

export class HeSessions {
  /** insertion order = use order: the first entry is the least recently used */
  private readonly entries = new Map<string, HeSessionEntry>();
  private bytes = 0;

  constructor(
    private readonly limits: HeSessionLimits = DEFAULT_HE_SESSION_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  /** Keeps a prepared head; ends the least recently used sessions needed to stay within the limits. */
  add(accountId: string, model: string, head: CkksHead, bytes: number): HeSessionEntry {
    this.expire();
    if (bytes > this.limits.maxBytes) {
      head.dispose();
      throw new RangeError('these keys are larger than the server keeps for a session');
    }
    const mine = [...this.entries.values()].filter((e) => e.accountId === accountId);
    while (mine.length >= this.limits.maxPerAccount) this.end(mine.shift()!.id);
    while (this.entries.size >= this.limits.maxSessions || this.bytes + bytes > this.limits.maxBytes) {
      this.end(this.entries.keys().next().value!);
    }
    const entry: HeSessionEntry = {
      id: randomBytes(16).toString('base64url'),
      accountId,
      model,
      head,
      bytes,
      expiresAt: this.now() + this.limits.idleMs,
    };
    this.entries.set(entry.id, entry);
    this.bytes += bytes;
    return entry;
  }

  /** The caller's live session, marked used; undefined for an unknown, expired or someone else's id. */
  use(accountId: string, id: string): HeSessionEntry | undefined {
    this.expire();
    const entry = this.entries.get(id);
    if (!entry || entry.accountId !== accountId) return undefined;
    this.entries.delete(id);
    this.entries.set(id, entry);
    entry.expiresAt = this.now() + this.limits.idleMs;
    return entry;
  }

  /** Ends a session and deletes its SEAL objects; false when there was none. */
  end(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
    entry.head.dispose();
    return true;
  }

  endAll(): void {
    for (const id of [...this.entries.keys()]) this.end(id);
  }

  private expire(): void {
    const now = this.now();
    for (const entry of [...this.entries.values()]) if (entry.expiresAt <= now) this.end(entry.id);
  }
}
