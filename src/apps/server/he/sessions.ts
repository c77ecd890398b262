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
import type { CkksHead } from '../../../lib/cipher/ckks';
import { ENTRY_ID, ExpiringStore } from '../expiringStore';

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
export const SESSION_ID = ENTRY_ID;

export class HeSessions {
  private readonly sessions: ExpiringStore<HeSessionEntry>;
  private bytes = 0;

  constructor(
    private readonly limits: HeSessionLimits = DEFAULT_HE_SESSION_LIMITS,
    now: () => number = Date.now,
  ) {
    this.sessions = new ExpiringStore<HeSessionEntry>({
      idleMs: limits.idleMs,
      now,
      belongsTo: (entry, accountId) => entry.accountId === accountId,
      onRemove: (entry) => {
        this.bytes -= entry.bytes;
        entry.head.dispose();
      },
    });
  }

  get size(): number {
    return this.sessions.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  /** Keeps a prepared head; ends the least recently used sessions needed to stay within the limits. */
  add(accountId: string, model: string, head: CkksHead, bytes: number): HeSessionEntry {
    this.sessions.expire();
    if (bytes > this.limits.maxBytes) {
      head.dispose();
      throw new RangeError('these keys are larger than the server keeps for a session');
    }
    const mine = this.sessions.values().filter((e) => e.accountId === accountId);
    while (mine.length >= this.limits.maxPerAccount) this.end(mine.shift()!.id);
    while (this.sessions.size >= this.limits.maxSessions || this.bytes + bytes > this.limits.maxBytes) {
      this.end(this.sessions.values()[0].id);
    }
    this.bytes += bytes;
    return this.sessions.add((id, expiresAt) => ({ id, accountId, model, head, bytes, expiresAt }));
  }

  /** The caller's live session, marked used; undefined for an unknown, expired or someone else's id. */
  use(accountId: string, id: string): HeSessionEntry | undefined {
    return this.sessions.use(accountId, id);
  }

  /** Ends a session and deletes its SEAL objects; false when there was none. */
  end(id: string): boolean {
    return this.sessions.remove(id);
  }

  endAll(): void {
    this.sessions.clear();
  }
}
