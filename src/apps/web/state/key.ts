/**
 * Key store: the one key in use, in memory only. zustand without `persist`, so
 * nothing here reaches localStorage, sessionStorage or IndexedDB; and nothing
 * here is ever logged. Only the short key-check value is meant for display.
 */
import { create } from 'zustand';
import type { CipherKey } from '../../../lib/keys/key';

export type KeyBusy = 'generating' | 'deriving' | 'importing' | null;

interface KeyState {
  key: CipherKey | null;
  busy: KeyBusy;
  /** readable error of the last key action ("wrong key: …", "not a CipherScan key file") */
  error: string | null;
  /** how long the last derivation took (Argon2id), ms */
  deriveMs: number | null;
  setKey(key: CipherKey, deriveMs?: number): void;
  setBusy(busy: KeyBusy): void;
  setError(error: string | null): void;
  forget(): void;
}

export const useKey = create<KeyState>()((set) => ({
  key: null,
  busy: null,
  error: null,
  deriveMs: null,
  setKey(key, deriveMs) {
    set({ key, busy: null, error: null, deriveMs: deriveMs ?? null });
  },
  setBusy(busy) {
    set({ busy, error: null });
  },
  setError(error) {
    set({ error, busy: null });
  },
  forget() {
    set({ key: null, busy: null, error: null, deriveMs: null });
  },
}));

/**
 * True when `key` is no longer the key in use (forgotten or replaced): work started
 * with it drops its result instead of showing or saving it.
 */
export function keyReplaced(key: CipherKey | null | undefined): boolean {
  return useKey.getState().key !== key;
}

/** The check value shortened for display: enough to compare two keys by eye. */
export function shortCheck(key: CipherKey | null): string | null {
  return key ? key.check.slice(0, 8) : null;
}
