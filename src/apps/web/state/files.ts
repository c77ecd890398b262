/**
 * Files store: the scans the user has loaded, in order, with a status each.
 * Each file gets a neutral label ("scan-1") used for every export name, so an
 * identifying original file name (DICOM names often carry a patient name or ID)
 * never ends up in a downloaded file.
 *
 * Must never: persist anything (no storage middleware) — pixels stay in memory.
 */
import { create } from 'zustand';
import type { DecodedImage } from '../../../lib/decode/types';
import type { RgbImage } from '../../../lib/image/rgb';

export type FileStatus = 'queued' | 'decoding' | 'ready' | 'encrypted' | 'error';

export interface ScanFile {
  id: string;
  /** neutral name used for exports: "scan-3" */
  label: string;
  /** the name the user's file had; shown on screen only, never written into an export */
  originalName: string;
  source: 'upload' | 'sample';
  /** true for built-in samples: they are generated, not real scans */
  synthetic: boolean;
  bytes: Uint8Array;
  status: FileStatus;
  error?: string;
  /** frame asked for (multi-frame DICOM) */
  frame: number;
  /** grey mapping asked for (DICOM: an index into DicomSummary.voiChoices) */
  voi: number;
  decoded?: DecodedImage;
  modelInput?: RgbImage;
  decodeMs?: number;
  /**
   * The modality the original DICOM declared, where this file no longer carries it (a scan opened
   * from a shared package is reloaded as PNG): the diagnosis's declared-modality check reads it
   */
  declaredModality?: string;
}

/** The modality the file declares: its DICOM's, or the original's where it was reloaded as PNG; none for PNG/JPEG. */
export function declaredModalityOf(file: ScanFile): string | undefined {
  return file.decoded?.dicom?.modality ?? file.declaredModality;
}

export interface BatchProgress {
  total: number;
  done: number;
}

interface FilesState {
  files: ScanFile[];
  selectedId: string | null;
  batch: BatchProgress | null;
  nextNumber: number;
  add(items: Array<Pick<ScanFile, 'originalName' | 'source' | 'synthetic' | 'bytes'>>): ScanFile[];
  update(id: string, patch: Partial<ScanFile>): void;
  remove(id: string): void;
  select(id: string | null): void;
  setBatch(batch: BatchProgress | null): void;
  /** a new key invalidates every encryption: encrypted files go back to ready */
  resetEncrypted(): void;
}

export const useFiles = create<FilesState>()((set, get) => ({
  files: [],
  selectedId: null,
  batch: null,
  nextNumber: 1,
  add(items) {
    let n = get().nextNumber;
    const added: ScanFile[] = items.map((item) => {
      const id = `scan-${n++}`;
      return { ...item, id, label: item.synthetic ? `${id}-synthetic` : id, status: 'queued', frame: 0, voi: 0 };
    });
    set((s) => ({ files: [...s.files, ...added], nextNumber: n, selectedId: s.selectedId ?? added[0]?.id ?? null }));
    return added;
  },
  update(id, patch) {
    set((s) => ({ files: s.files.map((f) => (f.id === id ? { ...f, ...patch } : f)) }));
  },
  remove(id) {
    set((s) => {
      const files = s.files.filter((f) => f.id !== id);
      return { files, selectedId: s.selectedId === id ? (files[0]?.id ?? null) : s.selectedId };
    });
  },
  select(id) {
    set({ selectedId: id });
  },
  setBatch(batch) {
    set({ batch });
  },
  resetEncrypted() {
    set((s) => ({ files: s.files.map((f) => (f.status === 'encrypted' ? { ...f, status: 'ready' } : f)) }));
  },
}));

export function selectedFile(state: Pick<FilesState, 'files' | 'selectedId'>): ScanFile | undefined {
  return state.files.find((f) => f.id === state.selectedId);
}
