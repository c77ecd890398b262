/**
 * Invitations: an admin makes one (admin socket), the invitee redeems it once to
 * create an account. Only a SHA-256 of the code is stored, so a database leak
 * gives no usable code.
 */
import type { Queryable } from '../db/index.ts';
import type { Role } from './accounts.ts';

/** What an invitation may give: any role but 'disabled' (the schema's CHECK says the same). */
export type InvitationRole = Exclude<Role, 'disabled'>;

export interface Invitation {
  codeHash: string;
  name: string;
  role: InvitationRole;
  site: string | null;
  expiresAt: Date;
  usedAt: Date | null;
}

interface InvitationRow {
  code_hash: string;
  name: string;
  role: InvitationRole;
  site: string | null;
  expires_at: Date;
  used_at: Date | null;
}

const toInvitation = (row: InvitationRow): Invitation => ({
  codeHash: row.code_hash,
  name: row.name,
  role: row.role,
  site: row.site,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
});

export async function createInvitation(
  q: Queryable,
  invitation: { codeHash: string; name: string; role: InvitationRole; site?: string | null; expiresAt: Date },
): Promise<Invitation> {
  const { rows } = await q.query<InvitationRow>(
    `INSERT INTO invitations (code_hash, name, role, site, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [invitation.codeHash, invitation.name, invitation.role, invitation.site ?? null, invitation.expiresAt],
  );
  return toInvitation(rows[0]!);
}

/** An unused, unexpired invitation, without using it (passkey registration options). */
export async function findUsableInvitation(
  q: Queryable,
  codeHash: string,
  now = new Date(),
): Promise<Invitation | null> {
  const { rows } = await q.query<InvitationRow>(
    'SELECT * FROM invitations WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2',
    [codeHash, now],
  );
  return rows[0] ? toInvitation(rows[0]) : null;
}

/**
 * Marks the invitation used, atomically: of two concurrent redeemers exactly one
 * gets it; used, expired or unknown codes give null. Call it in the transaction
 * that creates the account, so a failed account creation leaves it unused.
 */
export async function redeemInvitation(q: Queryable, codeHash: string, now = new Date()): Promise<Invitation | null> {
  const { rows } = await q.query<InvitationRow>(
    `UPDATE invitations SET used_at = $2
       WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING *`,
    [codeHash, now],
  );
  return rows[0] ? toInvitation(rows[0]) : null;
}
