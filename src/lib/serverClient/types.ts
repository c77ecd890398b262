/** The shapes of the server's JSON answers and request bodies (docs/server.md, "HTTP API"). */
import type { JWK } from 'jose';

export type Role = 'clinician' | 'auditor' | 'admin' | (string & {});
export type Purpose = 'treatment' | 'second-opinion' | 'research';
export const PURPOSES: readonly Purpose[] = ['treatment', 'second-opinion', 'research'];

export interface Account {
  id: string;
  name: string;
  role: Role;
}

/** Another account as the directory gives it: its public keys, to wrap a content key for it or check its signature. */
export interface PublicAccount extends Account {
  signJwk: JWK;
  wrapJwk: JWK;
}

export interface Session {
  token: string;
  expiresAt: string;
  account: Account;
}

export interface Challenge {
  challenge: string;
  expiresAt: string;
}

export interface StowResult {
  stored: { id: string; version: number }[];
  /** `part`: the index of the bundle in the array given to `upload` */
  failed: { part: number; error: string; message: string }[];
}

export interface UploadProgress {
  /** bundles answered so far (stored or failed) */
  done: number;
  parts: number;
  bytesSent: number;
  bytesTotal: number;
}

export interface Reader {
  name: string;
  purpose: Purpose;
  until: string | null;
  grantedAt: string;
}

export interface ShareRequest {
  /** the owner's record JWS, version + 1, with the reader in its reader list */
  record: string;
  /** the content key wrapped for the reader (JWE) */
  wrappedKey: string;
  purpose: Purpose;
  /** ISO date the grant ends */
  until?: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  resource: string;
  decision: string;
  reason: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  firstBad?: number;
}

/** Per call: an AbortSignal ends the request (and, for an upload, the bundles not yet sent). */
export interface CallOptions {
  signal?: AbortSignal;
}
