/**
 * Read-only hooks for the end-to-end tests, compiled only into the e2e build (main.tsx,
 * vite.config.ts; never in `vite build`, scripts/check-production-build.ts checks) and
 * installed there only in a browser driven by automation (navigator.webdriver): window.__cipherscan exposes the
 * compute path, the file statuses, metrics and the pixels of each view (base64 of
 * the RGB bytes), and how many key plans the GPU engine holds. It never exposes the key — only its public check value, which the
 * page shows anyway.
 *
 * Must never: return key bytes, or let a caller change state.
 */
import { toBase64 } from '../../lib/bytes/bytes';
import type { RgbImage } from '../../lib/image/rgb';
import { declaredModalityOf, selectedFile, useFiles } from './state/files';
import { useKey } from './state/key';
import { useResults } from './state/results';
import { cachedPlans } from './services/compute';
import { heldKeysInWorkers } from '../../platform/browser/workers/appWorkers';

export type HookView = 'original' | 'encrypted' | 'attacked' | 'source' | 'opened' | 'decrypted';

function viewImage(view: HookView): RgbImage | undefined {
  const file = selectedFile(useFiles.getState());
  const results = useResults.getState();
  const r = file ? results.byFile[file.id] : undefined;
  switch (view) {
    case 'original':
      return file?.modelInput;
    case 'source':
      return file?.decoded?.image;
    case 'encrypted':
      return r?.encrypted;
    case 'attacked':
      return r?.attack?.image;
    case 'decrypted':
      return r?.decrypted;
    case 'opened':
      return results.opened?.image;
  }
}

export interface CipherScanHooks {
  readonly computePath: string | null;
  readonly computeDetail: string | null;
  readonly keyCheck: string | null;
  files(): Array<{
    id: string;
    label: string;
    status: string;
    error?: string;
    format?: string;
    frames?: number;
    frame?: number;
    voi?: number;
    voiChoices?: string[];
    identifying?: string[];
    /** the modality the diagnosis checks: the DICOM's own, or kept from a shared package */
    modality?: string;
  }>;
  selected(): string | null;
  getPixels(view: HookView): { width: number; height: number; base64: string } | null;
  metrics(view: 'encrypted' | 'attacked'): Record<string, number> | null;
  attack(): { kind: string; note: string; details: string[] } | null;
  timings(): Record<string, number>;
  /** plans (key-derived tables) the BPE engines keep: none may outlive Forget key */
  bpePlans(): Promise<number>;
  /** keys the live workers hold (registered by handle): none may outlive Forget key */
  workerKeys(): Promise<number>;
}

export function installTestHooks(): void {
  if (import.meta.env.MODE !== 'e2e' || !navigator.webdriver) return;
  const hooks: CipherScanHooks = {
    get computePath() {
      return useResults.getState().computePath?.path ?? null;
    },
    get computeDetail() {
      return useResults.getState().computePath?.detail ?? null;
    },
    get keyCheck() {
      return useKey.getState().key?.check ?? null;
    },
    files: () =>
      useFiles.getState().files.map((f) => ({
        id: f.id,
        label: f.label,
        status: f.status,
        error: f.error,
        format: f.decoded?.format,
        frames: f.decoded?.frames,
        frame: f.decoded?.frame,
        voi: f.decoded?.dicom?.voi,
        voiChoices: f.decoded?.dicom?.voiChoices,
        identifying: f.decoded?.dicom?.identifyingAttributes,
        modality: declaredModalityOf(f),
      })),
    selected: () => useFiles.getState().selectedId,
    getPixels(view) {
      const img = viewImage(view);
      return img ? { width: img.width, height: img.height, base64: toBase64(img.data) } : null;
    },
    metrics(view) {
      const file = selectedFile(useFiles.getState());
      const r = file ? useResults.getState().byFile[file.id] : undefined;
      const m = view === 'encrypted' ? r?.encryptedMetrics : r?.attack?.metrics;
      return m ? { ...m } : null;
    },
    attack() {
      const file = selectedFile(useFiles.getState());
      const a = file ? useResults.getState().byFile[file.id]?.attack : undefined;
      return a ? { kind: a.kind, note: a.note, details: [...(a.details ?? [])] } : null;
    },
    timings: () => ({ ...useResults.getState().timings }) as Record<string, number>,
    bpePlans: () => cachedPlans(),
    workerKeys: () => heldKeysInWorkers(),
  };
  Object.defineProperty(window, '__cipherscan', { value: Object.freeze(hooks), configurable: false, writable: false });
}
