/**
 * Content-addressed storage of package bytes (docs/server.md, Storage): a blob is
 * named by its SHA-256, written durably before the study row that names it
 * commits, verified on every read, and collected when no row names it.
 */
import { createHash } from 'node:crypto';

export interface BlobStore {
  /**
   * Stores `bytes` durably and returns their SHA-256 (hex). Storing existing bytes again is a no-op.
   * `knownSha256`: their hash when the caller has computed it already (an upload checked against
   * its signed record), so the bytes are not hashed twice; every read still checks it.
   */
  put(bytes: Uint8Array, knownSha256?: string): Promise<string>;
  /** The bytes, checked against their name; null when absent; BlobCorruptError when they do not match. */
  get(sha256: string): Promise<Uint8Array | null>;
  has(sha256: string): Promise<boolean>;
  /**
   * Deletes every blob not in `knownShas` and older than `graceMs` (default 10 min:
   * a put whose study row has not committed yet is young), and leftovers of
   * interrupted writes; returns the deleted names.
   */
  collectOrphans(knownShas: ReadonlySet<string>, options?: { graceMs?: number }): Promise<string[]>;
}

/** The stored bytes no longer hash to their name: disk corruption or tampering. Never serve them. */
export class BlobCorruptError extends Error {
  constructor(readonly sha256: string) {
    super(`The stored package ${sha256.slice(0, 12)}… is damaged (its bytes no longer match their hash).`);
    this.name = 'BlobCorruptError';
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A blob's name: the SHA-256 of its bytes, lowercase hex (what every store names, and checks on read). */
export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Refuses anything but a lowercase SHA-256 hex name (it becomes a file path). */
export function checkSha256(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error('A blob name is a lowercase hex SHA-256.');
  return sha256;
}

/** How old an unreferenced blob must be before it is collected. */
export const ORPHAN_GRACE_MS = 10 * 60_000;
