/**
 * The append-only audit log: every policy decision, allow and deny, as one row of
 * a hash chain (DESIGN.md §8). Appends take `LOCK TABLE audit_log IN EXCLUSIVE
 * MODE` so seq and prev_hash come from the true last entry even with replicas;
 * readers are not blocked. Pass the route's transaction to append in the same
 * commit as the change being audited (the lock is then held until it commits).
 */
import type { Queryable } from '../db/index.ts';
import { inTransaction } from '../db/index.ts';
import { GENESIS_HASH, auditHash, type AuditEntry, type AuditEvent, type Decision } from './chain.ts';

interface AuditRow {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  resource: string;
  decision: Decision;
  reason: string | null;
  prev_hash: string;
  hash: string;
}

export const toAuditEntry = (row: AuditRow): AuditEntry => ({
  seq: row.seq,
  at: row.at.toISOString(),
  actor: row.actor,
  action: row.action,
  resource: row.resource,
  decision: row.decision,
  reason: row.reason,
  prevHash: row.prev_hash,
  hash: row.hash,
});

/** Appends one entry at the end of the chain and returns it. */
export async function appendAudit(q: Queryable, event: AuditEvent): Promise<AuditEntry> {
  return inTransaction(q, async (tx) => {
    await tx.query('LOCK TABLE audit_log IN EXCLUSIVE MODE');
    const last = await tx.query<{ seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    const fields = {
      seq: (last.rows[0]?.seq ?? 0) + 1,
      // Taken under the lock, so times never go backwards along the chain.
      at: new Date().toISOString(),
      actor: event.actor,
      action: event.action,
      resource: event.resource,
      decision: event.decision,
      reason: event.reason ?? null,
    };
    const prevHash = last.rows[0]?.hash ?? GENESIS_HASH;
    const hash = auditHash(prevHash, fields);
    await tx.query(
      `INSERT INTO audit_log (seq, at, actor, action, resource, decision, reason, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        fields.seq,
        fields.at,
        fields.actor,
        fields.action,
        fields.resource,
        fields.decision,
        fields.reason,
        prevHash,
        hash,
      ],
    );
    return { ...fields, prevHash, hash };
  });
}

export interface AuditQuery {
  resource?: string;
  actor?: string;
  /** Only entries after this seq (paging). */
  afterSeq?: number;
  /** At most this many (default 100, capped at 1000). */
  limit?: number;
}

/** Entries in chain order, filtered by resource and/or actor. */
export async function listAudit(q: Queryable, query: AuditQuery = {}): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 100)), 1000);
  const { rows } = await q.query<AuditRow>(
    `SELECT * FROM audit_log
      WHERE ($1::text IS NULL OR resource = $1) AND ($2::text IS NULL OR actor = $2) AND seq > $3
      ORDER BY seq LIMIT $4`,
    [query.resource ?? null, query.actor ?? null, query.afterSeq ?? 0, limit],
  );
  return rows.map(toAuditEntry);
}
