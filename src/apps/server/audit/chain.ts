/**
 * The audit log's hash chain, as pure functions: each entry's hash is
 * SHA-256(prev_hash || canonical JSON of its fields, seq and time included), the
 * first entry's prev_hash is 64 zeros. Changing, removing or moving an entry
 * breaks the chain at that point (docs/server.md, Storage).
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export type Decision = 'allow' | 'deny';

/** What the caller says happened. */
export interface AuditEvent {
  /** Account id (or `admin-socket`, `system`, `anonymous`). */
  actor: string;
  /** The Cedar action or what was attempted, e.g. `read`, `share`, `login`. */
  action: string;
  /** What it was done to: `Study::"2.25…"`, `Server`, an account. Never a key or a token. */
  resource: string;
  decision: Decision;
  /** Why (policy id, refusal code); no personal data. */
  reason?: string | null;
}

/** The fields the hash covers. */
export interface AuditFields extends Required<AuditEvent> {
  seq: number;
  /** ISO 8601 with milliseconds (what timestamptz keeps exactly). */
  at: string;
}

export interface AuditEntry extends AuditFields {
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every level: one byte string per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function auditHash(prevHash: string, fields: AuditFields): string {
  const { seq, at, actor, action, resource, decision, reason } = fields;
  return createHash('sha256')
    .update(prevHash, 'utf8')
    .update(canonicalJson({ seq, at, actor, action, resource, decision, reason }), 'utf8')
    .digest('hex');
}
