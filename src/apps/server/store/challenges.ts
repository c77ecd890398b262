/**
 * Single-use challenges (session sign-in, passkey ceremonies). take is a
 * `DELETE … RETURNING` restricted to unexpired rows, so a challenge is answered at
 * most once even by two replicas racing on one PostgreSQL.
 */
import type { Queryable } from '../db/index.ts';

export type ChallengeKind = 'session' | 'passkey-register' | 'passkey-login';

export interface Challenge {
  challenge: string;
  kind: ChallengeKind;
  /** Who it was issued for (an account name, an invitation hash), when it matters. */
  subject: string | null;
  expiresAt: Date;
}

interface ChallengeRow {
  challenge: string;
  kind: ChallengeKind;
  subject: string | null;
  expires_at: Date;
}

const toChallenge = (row: ChallengeRow): Challenge => ({
  challenge: row.challenge,
  kind: row.kind,
  subject: row.subject,
  expiresAt: row.expires_at,
});

export async function createChallenge(q: Queryable, challenge: Challenge): Promise<void> {
  await q.query('INSERT INTO challenges (challenge, kind, subject, expires_at) VALUES ($1, $2, $3, $4)', [
    challenge.challenge,
    challenge.kind,
    challenge.subject,
    challenge.expiresAt,
  ]);
}

/**
 * Uses up a challenge: returns it once if it exists, is of `kind` and has not
 * expired at `now`; null otherwise (unknown, used, expired or another kind).
 */
export async function takeChallenge(
  q: Queryable,
  challenge: string,
  kind: ChallengeKind,
  now = new Date(),
): Promise<Challenge | null> {
  const { rows } = await q.query<ChallengeRow>(
    'DELETE FROM challenges WHERE challenge = $1 AND kind = $2 AND expires_at > $3 RETURNING *',
    [challenge, kind, now],
  );
  return rows[0] ? toChallenge(rows[0]) : null;
}

/** Removes expired challenges; returns how many. */
export async function deleteExpiredChallenges(q: Queryable, now = new Date()): Promise<number> {
  const { rows } = await q.query('DELETE FROM challenges WHERE expires_at <= $1 RETURNING challenge', [now]);
  return rows.length;
}
