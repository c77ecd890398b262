/**
 * Hospital-server store: who is signed in, the study lists, the readers and audit
 * trail of the scans the user looked at, what is running, and each error beside
 * the control it belongs to (the slot names the control: 'join', 'upload',
 * `share:<uid>`…). In memory only (zustand without `persist`).
 *
 * Must never: hold the session token or a key (those live in session.ts, in
 * memory, outside any store a devtool could dump); persist anything.
 */
import { create } from 'zustand';
import type { Account, AuditEntry, Reader, StudySummary } from '../../../lib/serverClient';

export type ServerWork =
  'joining' | 'signing-in' | 'listing' | 'uploading' | 'sharing' | 'revoking' | 'opening' | 'auditing';

/** Where an upload is: sealing the package in this browser, then sending it. */
export interface UploadProgress {
  fileLabel: string;
  stage: 'sealing' | 'sending' | 'done';
  bytesSent: number;
  bytesTotal: number;
}

interface ServerState {
  account: Account | null;
  /** whether this browser holds the account's keys (joined here) */
  hasKeys: boolean;
  busy: ServerWork | null;
  /** the study the running work is about (share, revoke, open, audit) */
  busyStudy: string | null;
  errors: Record<string, string>;
  /** one line of plain news for screen readers and eyes: "Uploaded scan-1." */
  notice: string | null;
  upload: UploadProgress | null;
  mine: StudySummary[];
  shared: StudySummary[];
  readers: Record<string, Reader[]>;
  audit: Record<string, AuditEntry[]>;
  /** account ids → names this session has met (the audit log names actors by id) */
  names: Record<string, string>;
  signedIn(account: Account, hasKeys: boolean): void;
  setBusy(busy: ServerWork | null, study?: string | null): void;
  setError(slot: string, message: string | null): void;
  setNotice(notice: string | null): void;
  setUpload(upload: UploadProgress | null): void;
  setLists(lists: { mine: StudySummary[]; shared: StudySummary[] }): void;
  setReaders(study: string, readers: Reader[]): void;
  setAudit(study: string, entries: AuditEntry[]): void;
  rememberName(id: string, name: string): void;
  signedOut(): void;
}

const empty = {
  account: null,
  hasKeys: false,
  busy: null,
  busyStudy: null,
  errors: {},
  notice: null,
  upload: null,
  mine: [],
  shared: [],
  readers: {},
  audit: {},
  names: {},
} satisfies Partial<ServerState>;

export const useServer = create<ServerState>()((set) => ({
  ...empty,
  signedIn(account, hasKeys) {
    set({ ...empty, account, hasKeys, names: { [account.id]: account.name } });
  },
  setBusy(busy, study = null) {
    set({ busy, busyStudy: busy ? study : null });
  },
  setError(slot, message) {
    set((s) => {
      const errors = { ...s.errors };
      if (message) errors[slot] = message;
      else delete errors[slot];
      return { errors };
    });
  },
  setNotice(notice) {
    set({ notice });
  },
  setUpload(upload) {
    set({ upload });
  },
  setLists({ mine, shared }) {
    set({ mine, shared });
  },
  setReaders(study, readers) {
    set((s) => ({ readers: { ...s.readers, [study]: readers } }));
  },
  setAudit(study, entries) {
    set((s) => ({ audit: { ...s.audit, [study]: entries } }));
  },
  rememberName(id, name) {
    set((s) => (s.names[id] === name ? s : { names: { ...s.names, [id]: name } }));
  },
  signedOut() {
    set({ ...empty });
  },
}));

/** Error slots of one study's controls. */
export const slot = {
  share: (uid: string) => `share:${uid}`,
  revoke: (uid: string) => `revoke:${uid}`,
  audit: (uid: string) => `audit:${uid}`,
  open: (uid: string) => `open:${uid}`,
};
