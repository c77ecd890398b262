/**
 * Sentences a clinician can act on, for everything the hospital-server panel can
 * meet: the server's refusals (its own sentence, except a 404, which the server
 * gives alike for "does not exist" and "not yours", on purpose), a session that
 * ended, no answer, a downloaded scan that fails its checks, a passkey dialog that
 * was cancelled; and the small formats the lists show. Pure functions: tested
 * without a browser.
 *
 * Must never: put a token, a key or a server body other than its short sentence
 * into a message.
 */
import { ServerError, ServerUnreachableError } from '../../../lib/serverClient';
import { SharingRefusedError } from '../../../lib/sharing/errors';

export const NO_LONGER_SHARED = 'This scan is no longer shared with you (or does not exist).';
export const SESSION_ENDED = 'Your session has ended: sign in again.';

export type Context = 'join' | 'sign-in' | 'open' | 'other';

/** True for an error that means the session token is no longer good: the panel signs out. */
export function sessionEnded(err: unknown): boolean {
  return err instanceof ServerError && err.status === 401 && err.code !== 'not-signed-in';
}

export function explain(err: unknown, context: Context = 'other'): string {
  if (err instanceof ServerError) {
    if (err.status === 401) return context === 'join' || context === 'sign-in' ? sentence(err.message) : SESSION_ENDED;
    if (err.status === 404 && context === 'open') return NO_LONGER_SHARED;
    return sentence(err.message);
  }
  if (err instanceof ServerUnreachableError) return sentence(err.message);
  if (err instanceof SharingRefusedError)
    return `Refused: ${err.message}. Nothing from this scan is shown; tell the sender.`;
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (e?.code === 'ERROR_INVALID_RP_ID' || e?.code === 'ERROR_INVALID_DOMAIN')
    return `Passkeys need a name, not an address: open ${localhostUrl()} instead.`;
  if (e?.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED')
    return 'This device already holds a passkey for this account: use "Sign in with a passkey".';
  if (e?.name === 'NotAllowedError' || e?.code === 'ERROR_CEREMONY_ABORTED')
    return context === 'join'
      ? 'No passkey was made: the request was cancelled or timed out. Try again.'
      : 'No passkey was used: the request was cancelled or timed out, or this device holds none for this server.';
  if (e?.name === 'NotSupportedError') return 'This browser cannot use passkeys here.';
  return sentence(typeof e?.message === 'string' && e.message ? e.message : 'something went wrong');
}

/** The page's own address with "localhost" for its host (WebAuthn refuses an IP address). */
function localhostUrl(): string {
  if (typeof location === 'undefined') return 'http://localhost:PORT';
  return `${location.protocol}//localhost${location.port ? `:${location.port}` : ''}`;
}

/** First letter up, one full stop at the end. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const up = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(up) ? up : `${up}.`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** A date and time in the user's locale, or a dash for none. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '—' : new Date(t).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export const PURPOSE_LABELS = {
  treatment: 'Treatment',
  'second-opinion': 'Second opinion',
  research: 'Research',
} as const;

export function purposeLabel(purpose: string | undefined): string {
  return (purpose && PURPOSE_LABELS[purpose as keyof typeof PURPOSE_LABELS]) || purpose || '—';
}

/**
 * The share form's "until" field (a date input's `YYYY-MM-DD`, or empty): the grant ends at the end of that
 * day, local time. Returns the ISO time, undefined for no end, or an error sentence.
 */
export function untilFromField(value: string, now = new Date()): { until?: string; error?: string } {
  const v = value.trim();
  if (!v) return {};
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return { error: 'Enter the date as year-month-day, e.g. 2027-01-31.' };
  const end = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
  if (end.getMonth() !== Number(m[2]) - 1) return { error: 'That date does not exist.' };
  if (end.getTime() <= now.getTime()) return { error: 'That date has passed: choose a later one, or leave it empty.' };
  return { until: end.toISOString() };
}

/** An account name as the server takes it: trimmed; the form says when it is empty. */
export function colleagueFromField(value: string): { name?: string; error?: string } {
  const name = value.trim();
  if (!name) return { error: "Enter your colleague's account name." };
  if (name.length > 64) return { error: 'Account names are at most 64 characters.' };
  return { name };
}

/** A DICOM modality code for the record; anything else (absent, free text) is sent as OT, "other" (as the CLI). */
export function modalityCode(value: string | undefined): string {
  const code = value?.trim().toUpperCase();
  return code && /^[A-Z0-9_]{1,16}$/.test(code) ? code : 'OT';
}

/**
 * The audit log's actions (the Cedar actions of docs/server.md) in plain words.
 */
const ACTION_LABELS: Record<string, string> = {
  upload: 'Upload',
  read: 'Open (download)',
  list: 'List scans',
  share: 'Share',
  revoke: 'Revoke a reader',
  listReaders: 'List readers',
  heInfer: 'Encrypted inference',
  setConsent: 'Change consent',
  readAudit: 'Read the audit trail',
  manageAccounts: 'Manage accounts',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

export function decisionLabel(decision: string): string {
  return decision === 'allow' ? 'Allowed' : decision === 'deny' ? 'Refused' : decision;
}

/** A short, non-identifying name for a study on screen: the end of its pseudonymous UID. */
export function shortUid(uid: string): string {
  return `…${uid.slice(-8)}`;
}
