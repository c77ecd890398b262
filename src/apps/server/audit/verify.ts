/**
 * Checks the audit chain end to end and names the first place it breaks, and how:
 *  - removed: a seq is missing;
 *  - reordered: an intact entry sits at another seq than the one it was hashed at;
 *  - edited: an entry's fields no longer give its hash;
 *  - broken-link: an entry's own hash holds but it does not follow the entry
 *    before it (someone rewrote and re-hashed an entry, or renumbered after a removal).
 * Removing the newest entries leaves a shorter chain that verifies: compare
 * `lastHash` with one kept elsewhere to catch that.
 */
import type { Queryable } from '../db/index.ts';
import { GENESIS_HASH, auditHash, type AuditEntry } from './chain.ts';
import { toAuditEntry } from './log.ts';

export type AuditProblem = 'removed' | 'reordered' | 'edited' | 'broken-link';

export interface AuditVerification {
  ok: boolean;
  /** How many entries the log holds. */
  entries: number;
  /** The hash of the last entry (the genesis hash when empty). */
  lastHash: string;
  firstBad?: { seq: number; problem: AuditProblem };
}

const PAGE = 1000;

export async function verifyAuditChain(q: Queryable): Promise<AuditVerification> {
  const links = await q.query<{ hash: string; prev_hash: string }>('SELECT hash, prev_hash FROM audit_log');
  const previousOf = new Map(links.rows.map((row) => [row.hash, row.prev_hash]));
  const entries = links.rows.length;

  /** The seq an entry following `prevHash` was hashed at: 1 + how far back the genesis is. */
  const originalSeq = (prevHash: string): number | undefined => {
    let depth = 0;
    for (let hash = prevHash; hash !== GENESIS_HASH; depth++) {
      const previous = previousOf.get(hash);
      if (previous === undefined || depth > entries) return undefined;
      hash = previous;
    }
    return depth + 1;
  };

  const problemAt = (entry: AuditEntry, expectedPrev: string): AuditProblem | undefined => {
    if (auditHash(entry.prevHash, entry) !== entry.hash) {
      const seq = originalSeq(entry.prevHash);
      const moved =
        seq !== undefined && seq !== entry.seq && auditHash(entry.prevHash, { ...entry, seq }) === entry.hash;
      return moved ? 'reordered' : 'edited';
    }
    return entry.prevHash === expectedPrev ? undefined : 'broken-link';
  };

  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (;;) {
    const page = await q.query<Parameters<typeof toAuditEntry>[0]>(
      'SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2',
      [expectedSeq, PAGE],
    );
    for (const entry of page.rows.map(toAuditEntry)) {
      if (entry.seq !== expectedSeq) {
        return { ok: false, entries, lastHash: prevHash, firstBad: { seq: expectedSeq, problem: 'removed' } };
      }
      const problem = problemAt(entry, prevHash);
      if (problem) return { ok: false, entries, lastHash: prevHash, firstBad: { seq: entry.seq, problem } };
      prevHash = entry.hash;
      expectedSeq++;
    }
    if (page.rows.length < PAGE) return { ok: true, entries, lastHash: prevHash };
  }
}
