/**
 * Studies: the non-identifying index row of an uploaded package, its owner's
 * signed record header, and the version that every share and revoke bumps. A
 * version bump is a compare-and-set on the version the caller verified the new
 * record against, so two concurrent changes cannot both win (docs/server.md:
 * exactly current + 1). Sharing itself (wrapped keys, grants) is in grants.ts.
 */
import type { Queryable } from '../db/index.ts';
import { inTransaction } from '../db/index.ts';
import { StoreError, isUniqueViolation } from './errors.ts';

export type Consent = 'given' | 'withdrawn';
export type Purpose = 'treatment' | 'second-opinion' | 'research';

export interface Study {
  uid: string;
  ownerId: string;
  /** The owner's account name (for listings). */
  ownerName: string;
  modality: string;
  frames: number;
  packageBytes: number;
  packageSha256: string;
  version: number;
  recordJws: string;
  consent: Consent;
  uploadedAt: Date;
}

interface StudyRow {
  uid: string;
  owner_id: string;
  owner_name: string;
  modality: string;
  frames: number;
  package_bytes: number;
  package_sha256: string;
  version: number;
  record_jws: string;
  consent: Consent;
  uploaded_at: Date;
}

export const toStudy = (row: StudyRow): Study => ({
  uid: row.uid,
  ownerId: row.owner_id,
  ownerName: row.owner_name,
  modality: row.modality,
  frames: row.frames,
  packageBytes: row.package_bytes,
  packageSha256: row.package_sha256,
  version: row.version,
  recordJws: row.record_jws,
  consent: row.consent,
  uploadedAt: row.uploaded_at,
});

/** The study columns plus the owner's name; `s` is studies, `o` accounts. */
export const STUDY_COLUMNS = 's.*, o.name AS owner_name';
export const STUDY_FROM = 'studies s JOIN accounts o ON o.id = s.owner_id';

export interface NewStudy {
  uid: string;
  ownerId: string;
  modality: string;
  frames: number;
  packageBytes: number;
  packageSha256: string;
  /** The owner's record header for version 1. */
  recordJws: string;
  /** The owner's own wrapped content key (JWE). */
  ownerWrappedKey: string;
  consent?: Consent;
}

/**
 * Stores an uploaded study at version 1 with the owner's wrapped key, in one
 * transaction (the caller's, if `q` is one). The owner gets no grant row: owning
 * is the right to read. The package blob must be durable before this commits.
 * A uid that exists already is a StoreError 'conflict'.
 */
export async function insertStudy(q: Queryable, study: NewStudy): Promise<Study> {
  return inTransaction(q, async (tx) => {
    try {
      await tx.query(
        `INSERT INTO studies (uid, owner_id, modality, frames, package_bytes, package_sha256, version, record_jws, consent)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)`,
        [
          study.uid,
          study.ownerId,
          study.modality,
          study.frames,
          study.packageBytes,
          study.packageSha256,
          study.recordJws,
          study.consent ?? 'given',
        ],
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError('conflict', `The study ${study.uid} exists already.`);
      throw error;
    }
    await tx.query('INSERT INTO wrapped_keys (study_uid, reader_id, jwe) VALUES ($1, $2, $3)', [
      study.uid,
      study.ownerId,
      study.ownerWrappedKey,
    ]);
    return (await getStudy(tx, study.uid))!;
  });
}

export async function getStudy(q: Queryable, uid: string): Promise<Study | null> {
  const { rows } = await q.query<StudyRow>(`SELECT ${STUDY_COLUMNS} FROM ${STUDY_FROM} WHERE s.uid = $1`, [uid]);
  return rows[0] ? toStudy(rows[0]) : null;
}

/** The owner's studies, newest first. */
export async function listMyStudies(q: Queryable, ownerId: string): Promise<Study[]> {
  const { rows } = await q.query<StudyRow>(
    `SELECT ${STUDY_COLUMNS} FROM ${STUDY_FROM} WHERE s.owner_id = $1 ORDER BY s.uploaded_at DESC, s.uid`,
    [ownerId],
  );
  return rows.map(toStudy);
}

/**
 * Moves a study from `expectedVersion` to `expectedVersion + 1` with the new
 * record header; refuses (StoreError 'stale-version') when the version is no
 * longer `expectedVersion`, and 'not-found' when there is no such study.
 * Use inside the transaction that changes the readers.
 */
export async function bumpStudyVersion(
  q: Queryable,
  uid: string,
  expectedVersion: number,
  recordJws: string,
): Promise<number> {
  const { rows } = await q.query<{ version: number }>(
    'UPDATE studies SET version = version + 1, record_jws = $3 WHERE uid = $1 AND version = $2 RETURNING version',
    [uid, expectedVersion, recordJws],
  );
  if (rows[0]) return rows[0].version;
  const current = await q.query<{ version: number }>('SELECT version FROM studies WHERE uid = $1', [uid]);
  if (!current.rows[0]) throw new StoreError('not-found', `No study ${uid}.`);
  throw new StoreError(
    'stale-version',
    `The study is at version ${current.rows[0].version}, not ${expectedVersion}: reload it and sign again.`,
  );
}

/** Sets the consent state; false when there is no such study. */
export async function setConsent(q: Queryable, uid: string, consent: Consent): Promise<boolean> {
  const { rows } = await q.query('UPDATE studies SET consent = $2 WHERE uid = $1 RETURNING uid', [uid, consent]);
  return rows.length === 1;
}

/** Every package hash a study row refers to (the blob store keeps these, collects the rest). */
export async function listPackageShas(q: Queryable): Promise<Set<string>> {
  const { rows } = await q.query<{ package_sha256: string }>('SELECT DISTINCT package_sha256 FROM studies');
  return new Set(rows.map((row) => row.package_sha256));
}
