/**
 * Results store: what the pipeline made for each file — the encrypted model
 * input, the last attack and its metrics, the AES package summary — plus the
 * compute path and the duration of each step for the status bar.
 *
 * Must never: persist (in memory only), or hold key material. Results are
 * cleared when the key changes, since they belong to the old key.
 */
import { create } from 'zustand';
import type { AttackKind as LibraryAttackKind } from '../../../lib/attacks';
import type { RgbImage } from '../../../lib/image/rgb';

export interface LeakageMetrics {
  ssim: number;
  psnr: number;
  nmi: number;
  phashDistance: number;
}

/** The library's attacks (src/lib/attacks), plus the page's AES comparison, which runs on the package, not BPE. */
export type AttackKind = LibraryAttackKind | 'aes-bit-flip';

export interface AttackOutcome {
  kind: AttackKind;
  image?: RgbImage;
  metrics?: LeakageMetrics;
  note: string;
  /** extra lines for the AES comparison (CBC accepted the flip, GCM refused it) */
  details?: string[];
}

export interface PackageSummary {
  /** the file as loaded */
  originalBytes: number;
  /** raw stored samples of the packed frames */
  rawBytes: number;
  /** frames in the package (every frame of the file, unless `note` says otherwise) */
  frames: number;
  /** why the package holds fewer frames than the file */
  note?: string;
  /** lossless JPEG 2000 of those samples */
  compressedBytes: number;
  packageBytes: number;
}

export interface FileResults {
  encrypted?: RgbImage;
  /** key-check value of the key that made `encrypted` */
  keyCheck?: string;
  encryptedMetrics?: LeakageMetrics;
  attack?: AttackOutcome;
  package?: PackageSummary;
  /** the encrypted image decrypted again with the current key (round-trip check) */
  decrypted?: RgbImage;
}

/** A package or encrypted PNG the user opened, decrypted with the current key. Whole or nothing. */
export interface OpenedFile {
  kind: 'package' | 'encrypted-png';
  image: RgbImage;
  /** what the file says about itself (de-identified metadata), for display */
  details: string[];
  /** id of a loaded file whose pixels it equals exactly, if any */
  matchesFileId: string | null;
  /**
   * A package of a multi-frame file: the file's frame number of each frame it holds, the position of the
   * one in `image`, and the package itself (encrypted) to decrypt another frame from on request
   */
  frames?: { fileFrames: number; numbers: number[]; position: number; pkg: Uint8Array };
}

export type StepName = 'decode' | 'derive key' | 'encrypt' | 'attack' | 'metrics' | 'pack' | 'unpack';

export interface ComputePath {
  path: 'webgpu' | 'cpu';
  /** adapter description on WebGPU, or why the CPU was used */
  detail: string;
}

/** Where an error is shown: beside the control whose step failed ('workspace': below the attack and export panels). */
export type ErrorPlace = 'encrypt' | 'attack' | 'workspace';

/** 'opening' a package, 'opening-png' an encrypted PNG (both cancellable); 'decrypting' the exported round trip */
export type Work = 'encrypting' | 'attacking' | 'packing' | 'opening' | 'opening-png' | 'decrypting';

interface ResultsState {
  /** the step running now, for busy indicators; null when idle */
  busy: Work | null;
  setBusy(busy: Work | null): void;
  byFile: Record<string, FileResults>;
  computePath: ComputePath | null;
  timings: Partial<Record<StepName, number>>;
  /** a readable message of the last failed step (package refused, attack failed) */
  error: string | null;
  /** where `error` is shown */
  errorAt: ErrorPlace;
  opened: OpenedFile | null;
  setOpened(opened: OpenedFile | null): void;
  patch(fileId: string, patch: Partial<FileResults>): void;
  setComputePath(path: ComputePath): void;
  time(step: StepName, ms: number): void;
  setError(error: string | null, at?: ErrorPlace): void;
  clearAll(): void;
  dropFile(fileId: string): void;
}

export const useResults = create<ResultsState>()((set) => ({
  busy: null,
  setBusy(busy) {
    set({ busy });
  },
  byFile: {},
  computePath: null,
  timings: {},
  error: null,
  errorAt: 'workspace',
  opened: null,
  setOpened(opened) {
    set({ opened });
  },
  patch(fileId, patch) {
    set((s) => ({ byFile: { ...s.byFile, [fileId]: { ...s.byFile[fileId], ...patch } } }));
  },
  setComputePath(computePath) {
    set({ computePath });
  },
  time(step, ms) {
    set((s) => ({ timings: { ...s.timings, [step]: ms } }));
  },
  setError(error, at = 'workspace') {
    set({ error, errorAt: at });
  },
  clearAll() {
    set({ byFile: {}, error: null, opened: null });
  },
  dropFile(fileId) {
    set((s) => {
      const byFile = { ...s.byFile };
      delete byFile[fileId];
      return { byFile };
    });
  },
}));
