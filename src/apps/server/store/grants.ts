/**
 * Sharing: one wrapped content key (JWE) per reader and, for readers other than
 * the owner, a grant (purpose, until). Share and revoke change them together with
 * the study's version and record header, in one transaction.
 */
import type { Queryable } from '../db/index.ts';
import { inTransaction } from '../db/index.ts';
import { STUDY_COLUMNS, STUDY_FROM, bumpStudyVersion, toStudy, type Purpose, type Study } from './studies.ts';

export interface Grant {
  readerId: string;
  readerName: string;
  purpose: Purpose;
  until: Date | null;
  grantedAt: Date;
}

interface GrantRow {
  reader_id: string;
  reader_name: string;
  purpose: Purpose;
  until: Date | null;
  granted_at: Date;
}

const toGrant = (row: GrantRow): Grant => ({
  readerId: row.reader_id,
  readerName: row.reader_name,
  purpose: row.purpose,
  until: row.until,
  grantedAt: row.granted_at,
});

export interface ShareChange {
  uid: string;
  /** The version the new record header was checked against (it carries expectedVersion + 1). */
  expectedVersion: number;
  recordJws: string;
  readerId: string;
}

/**
 * Gives `readerId` a wrapped key and a grant (replacing an earlier one) and bumps
 * the version; returns the new version. StoreError 'stale-version' / 'not-found'
 * as bumpStudyVersion, with nothing changed.
 */
export async function shareStudy(
  q: Queryable,
  change: ShareChange & { wrappedKey: string; purpose: Purpose; until?: Date | null },
): Promise<number> {
  return inTransaction(q, async (tx) => {
    const version = await bumpStudyVersion(tx, change.uid, change.expectedVersion, change.recordJws);
    await tx.query(
      `INSERT INTO wrapped_keys (study_uid, reader_id, jwe) VALUES ($1, $2, $3)
       ON CONFLICT (study_uid, reader_id) DO UPDATE SET jwe = EXCLUDED.jwe`,
      [change.uid, change.readerId, change.wrappedKey],
    );
    await tx.query(
      `INSERT INTO grants (study_uid, reader_id, purpose, until, granted_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (study_uid, reader_id)
       DO UPDATE SET purpose = EXCLUDED.purpose, until = EXCLUDED.until, granted_at = EXCLUDED.granted_at`,
      [change.uid, change.readerId, change.purpose, change.until ?? null],
    );
    return version;
  });
}

/** Deletes the reader's wrapped key and grant and bumps the version; returns the new version. */
export async function revokeStudyReader(q: Queryable, change: ShareChange): Promise<number> {
  return inTransaction(q, async (tx) => {
    const version = await bumpStudyVersion(tx, change.uid, change.expectedVersion, change.recordJws);
    await tx.query('DELETE FROM wrapped_keys WHERE study_uid = $1 AND reader_id = $2', [change.uid, change.readerId]);
    await tx.query('DELETE FROM grants WHERE study_uid = $1 AND reader_id = $2', [change.uid, change.readerId]);
    return version;
  });
}

/** The study's readers other than the owner, with their grants, by name. */
export async function listReaders(q: Queryable, uid: string): Promise<Grant[]> {
  const { rows } = await q.query<GrantRow>(
    `SELECT g.reader_id, a.name AS reader_name, g.purpose, g.until, g.granted_at
       FROM grants g JOIN accounts a ON a.id = g.reader_id WHERE g.study_uid = $1 ORDER BY a.name`,
    [uid],
  );
  return rows.map(toGrant);
}

/** The reader ids that hold a wrapped key (owner included), sorted: what readersHash is made of. */
export async function listKeyHolders(q: Queryable, uid: string): Promise<string[]> {
  const { rows } = await q.query<{ reader_id: string }>('SELECT reader_id FROM wrapped_keys WHERE study_uid = $1', [
    uid,
  ]);
  return rows.map((row) => row.reader_id).sort();
}

export interface SharedStudy extends Study {
  grant: { purpose: Purpose; until: Date | null; grantedAt: Date };
}

/**
 * Studies shared with `readerId` (not their own), newest first, with the grant.
 * With `activeAt`, only grants whose `until` is absent or later than it. A study whose
 * consent is withdrawn is not listed: the policy refuses its readers (consent.cedar), and
 * its index entry (modality, frames, owner) is no longer theirs to see either.
 */
export async function listSharedWithMe(q: Queryable, readerId: string, activeAt?: Date): Promise<SharedStudy[]> {
  const { rows } = await q.query<
    Parameters<typeof toStudy>[0] & { g_purpose: Purpose; g_until: Date | null; g_granted_at: Date }
  >(
    `SELECT ${STUDY_COLUMNS}, g.purpose AS g_purpose, g.until AS g_until, g.granted_at AS g_granted_at
       FROM ${STUDY_FROM} JOIN grants g ON g.study_uid = s.uid
      WHERE g.reader_id = $1 AND s.owner_id <> $1 AND s.consent = 'given'
        AND ($2::timestamptz IS NULL OR g.until IS NULL OR g.until > $2)
      ORDER BY s.uploaded_at DESC, s.uid`,
    [readerId, activeAt ?? null],
  );
  return rows.map((row) => ({
    ...toStudy(row),
    grant: { purpose: row.g_purpose, until: row.g_until, grantedAt: row.g_granted_at },
  }));
}

export interface StudyForReader {
  study: Study;
  /** The reader's own wrapped content key. */
  wrappedKey: string;
  /** The reader's grant; null for the owner. Whether it is still active is the policy's call. */
  grant: { purpose: Purpose; until: Date | null; grantedAt: Date } | null;
}

/** What a download needs: null when the study does not exist or the reader holds no key for it. */
export async function getStudyForReader(q: Queryable, uid: string, readerId: string): Promise<StudyForReader | null> {
  const { rows } = await q.query<
    Parameters<typeof toStudy>[0] & {
      jwe: string;
      g_purpose: Purpose | null;
      g_until: Date | null;
      g_granted_at: Date | null;
    }
  >(
    `SELECT ${STUDY_COLUMNS}, k.jwe, g.purpose AS g_purpose, g.until AS g_until, g.granted_at AS g_granted_at
       FROM ${STUDY_FROM}
       JOIN wrapped_keys k ON k.study_uid = s.uid AND k.reader_id = $2
       LEFT JOIN grants g ON g.study_uid = s.uid AND g.reader_id = $2
      WHERE s.uid = $1`,
    [uid, readerId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    study: toStudy(row),
    wrappedKey: row.jwe,
    grant: row.g_purpose ? { purpose: row.g_purpose, until: row.g_until, grantedAt: row.g_granted_at! } : null,
  };
}
