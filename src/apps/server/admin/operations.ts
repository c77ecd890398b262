/**
 * What the host's operator may do without an account (docs/server.md, "Admin socket"):
 * make an invitation, disable an account, and check the audit chain. The same functions serve the
 * admin socket (while the server runs) and the entry's direct path (when it does not:
 * PGlite is single-process). An invitation is audited with the operator as actor, so
 * the log shows how every account came to exist; the code itself is printed once and
 * only its hash is stored.
 */
import { appendAudit, verifyAuditChain } from '../audit';
import { isInvitableRole, newInvitationCode } from '../auth/invitations';
import type { Database } from '../db';
import { createInvitation, getAccountByName, lockAccountByName, setAccountRole } from '../store';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
const ACCOUNT_NAME = /^[a-z][a-z0-9-]{1,31}$/;
const SITE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

/** A refusal the operator can act on (bad name, taken name, bad role). */
export class AdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminError';
  }
}

export interface InvitationRequest {
  name: string;
  role: string;
  site?: string;
}

export async function makeInvitation(
  db: Database,
  request: InvitationRequest,
): Promise<{ code: string; expiresAt: string }> {
  const { name, role, site } = request;
  if (typeof name !== 'string' || !ACCOUNT_NAME.test(name))
    throw new AdminError('a name is 2 to 32 characters: lower-case letters, digits and dashes, a letter first');
  if (!isInvitableRole(role)) throw new AdminError('the role must be clinician, auditor or admin');
  if (site !== undefined && (typeof site !== 'string' || !SITE.test(site)))
    throw new AdminError('a site is up to 64 letters, digits, spaces, dots, dashes or underscores');
  if (await getAccountByName(db, name)) throw new AdminError(`an account named ${name} exists already`);
  const { code, codeHash } = newInvitationCode();
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  await db.transaction(async (tx) => {
    await createInvitation(tx, { codeHash, name, role, site: site ?? null, expiresAt });
    await appendAudit(tx, {
      actor: 'operator',
      action: 'invite',
      resource: `account:${name}`,
      decision: 'allow',
      reason: `admin-socket role=${role}`,
    });
  });
  return { code, expiresAt: expiresAt.toISOString() };
}

export interface DisableRequest {
  name: string;
}

/**
 * Off-boards a person at once: the account keeps its row (the audit log and the studies
 * name it) and its role becomes 'disabled', which Cedar forbids everything and the
 * routes refuse with 403 on the next request (sessions re-read the account each time).
 * The change and its audit entry, naming the role it had, are one transaction.
 */
export async function disableAccount(
  db: Database,
  request: DisableRequest,
): Promise<{ name: string; previousRole: string }> {
  const { name } = request;
  if (typeof name !== 'string' || !ACCOUNT_NAME.test(name))
    throw new AdminError('a name is 2 to 32 characters: lower-case letters, digits and dashes, a letter first');
  return db.transaction(async (tx) => {
    const account = await lockAccountByName(tx, name);
    if (!account) throw new AdminError(`there is no account named ${name}`);
    if (account.role === 'disabled') throw new AdminError(`the account ${name} is disabled already`);
    await setAccountRole(tx, account.id, 'disabled');
    await appendAudit(tx, {
      actor: 'operator',
      action: 'disable',
      resource: `account:${name}`,
      decision: 'allow',
      reason: `admin-socket previous-role=${account.role}`,
    });
    return { name, previousRole: account.role };
  });
}

/**
 * The contract's `{ok, entries, firstBad?}` plus where and how it broke. With `at`, also the
 * hash of the at-th entry (1-based, in chain order): what an anchor saved earlier is checked
 * against, because a chain cut short at its end still verifies on its own.
 */
export async function auditVerification(db: Database, at?: number) {
  const result = await verifyAuditChain(db);
  let hashAt: string | null | undefined;
  if (at !== undefined) {
    const { rows } = await db.query<{ hash: string }>('SELECT hash FROM audit_log ORDER BY seq OFFSET $1 LIMIT 1', [
      at - 1,
    ]);
    hashAt = rows[0]?.hash ?? null;
  }
  return {
    ok: result.ok,
    entries: result.entries,
    lastHash: result.lastHash,
    ...(hashAt !== undefined ? { hashAt } : {}),
    ...(result.firstBad ? { firstBad: result.firstBad.seq, problem: result.firstBad.problem } : {}),
  };
}

/** What `audit-verify --anchor FILE` keeps between runs: the chain's length and head when last intact. */
export interface AuditAnchor {
  entries: number;
  lastHash: string;
  checkedAt: string;
}

/** The answer, failed when the chain no longer holds the anchor's head where it was (cut short or rewritten). */
export function checkAgainstAnchor(answer: AuditVerificationAnswer, anchor: AuditAnchor): AuditVerificationAnswer {
  if (!answer.ok) return answer;
  if (answer.entries < anchor.entries)
    return { ...answer, ok: false, firstBad: answer.entries + 1, problem: 'removed' as const };
  if (answer.hashAt !== anchor.lastHash)
    return { ...answer, ok: false, firstBad: anchor.entries, problem: 'edited' as const };
  return answer;
}

export type AuditVerificationAnswer = Awaited<ReturnType<typeof auditVerification>>;

/** The one line `audit-verify` prints. */
export function auditSummary(answer: AuditVerificationAnswer): string {
  return answer.ok
    ? `audit log intact: ${answer.entries} entries, last hash ${answer.lastHash.slice(0, 16)}…`
    : `audit log BROKEN at entry ${answer.firstBad} (${answer.problem}); ${answer.entries} entries`;
}
