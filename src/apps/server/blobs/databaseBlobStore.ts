/**
 * Blobs as bytea rows in the `blobs` table: for replicas on one PostgreSQL that
 * share no disk (the server processes stay stateless). Durable when the insert
 * commits; same interface and the same hash check on read as the file store.
 */
import type { Queryable } from '../db/index.ts';
import { BlobCorruptError, ORPHAN_GRACE_MS, checkSha256, sha256Hex, type BlobStore } from './types.ts';

export function databaseBlobStore(db: Queryable): BlobStore {
  return {
    async put(bytes, knownSha256) {
      const sha = knownSha256 === undefined ? sha256Hex(bytes) : checkSha256(knownSha256);
      await db.query(
        'INSERT INTO blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO UPDATE SET created_at = now()',
        [sha, bytes],
      );
      return sha;
    },
    async get(sha) {
      const { rows } = await db.query<{ bytes: Uint8Array }>('SELECT bytes FROM blobs WHERE sha256 = $1', [
        checkSha256(sha),
      ]);
      if (!rows[0]) return null;
      const bytes = new Uint8Array(rows[0].bytes);
      if (sha256Hex(bytes) !== sha) throw new BlobCorruptError(sha);
      return bytes;
    },
    async has(sha) {
      const { rows } = await db.query('SELECT 1 FROM blobs WHERE sha256 = $1', [checkSha256(sha)]);
      return rows.length > 0;
    },
    async collectOrphans(knownShas, { graceMs = ORPHAN_GRACE_MS } = {}) {
      const { rows } = await db.query<{ sha256: string }>('SELECT sha256 FROM blobs WHERE created_at <= $1', [
        new Date(Date.now() - graceMs),
      ]);
      const orphans = rows.map((row) => row.sha256).filter((sha) => !knownShas.has(sha));
      if (orphans.length > 0) await db.query('DELETE FROM blobs WHERE sha256 = ANY($1::text[])', [orphans]);
      return orphans;
    },
  };
}
