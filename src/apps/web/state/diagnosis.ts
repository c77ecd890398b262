/**
 * Diagnosis store: which trained models exist (probed from models/), which one
 * is chosen (architecture x dataset), the inference backend the worker picked,
 * model-loading progress, and the side-by-side result for each file under the
 * current key.
 *
 * Must never: persist, or hold key material (results carry only the key-check
 * value they were made with, so a stale result is recognised and not shown).
 */
import { create } from 'zustand';
import type { BackendChoice } from '../../../lib/diagnosis/backend';
import {
  ARCHITECTURE_LABELS,
  datasetDefault,
  type Architecture,
  type DatasetName,
  type ModelEntry,
} from '../../../lib/diagnosis/registry';
import type { LoadedModelInfo, SideBySideDiagnosis } from '../../../lib/diagnosis/session';

export interface FileDiagnosis {
  result: SideBySideDiagnosis;
  keyCheck: string;
}

/** The model and scan an error concerns (absent: it concerns whatever is on screen). */
export interface ErrorAbout {
  model?: string;
  fileId?: string;
}

export type ModelsStatus = 'unknown' | 'probing' | 'ready' | 'error';

export interface ModelLoading {
  name: string;
  fraction: number;
  /** 'engine': the inference worker starts, loads tfjs and picks a backend; 'weights': the model itself */
  stage: 'engine' | 'weights';
}

interface DiagnosisState {
  modelsStatus: ModelsStatus;
  models: ModelEntry[];
  architecture: Architecture;
  dataset: DatasetName;
  backend: BackendChoice | null;
  /** while a model loads: its weights' 0..1, and whether the engine (tfjs, backend probe) or the weights are loading */
  loading: ModelLoading | null;
  /** models loaded in the worker, by name */
  loaded: Record<string, LoadedModelInfo>;
  busy: boolean;
  error: string | null;
  /** what the error is about: it is shown only while that model (and scan) is the one on screen */
  errorAbout: ErrorAbout | null;
  /** by file id, then by model name */
  byFile: Record<string, Record<string, FileDiagnosis>>;
  /** why a file's diagnosis failed, by file id, then by model name (with the key check of the attempt) */
  failed: Record<string, Record<string, { reason: string; keyCheck: string }>>;
  setModels(models: ModelEntry[], status: ModelsStatus, error?: string): void;
  choose(patch: Partial<Pick<DiagnosisState, 'architecture' | 'dataset'>>): void;
  setBackend(backend: BackendChoice): void;
  setLoading(loading: DiagnosisState['loading']): void;
  setLoaded(info: LoadedModelInfo): void;
  setBusy(busy: boolean): void;
  setError(error: string | null, about?: ErrorAbout): void;
  record(fileId: string, keyCheck: string, result: SideBySideDiagnosis): void;
  recordFailure(fileId: string, model: string, keyCheck: string, reason: string): void;
  clearResults(): void;
  /** one scan's results and failures, every model: its model input changed (another frame, grey mapping) or it went */
  dropFile(fileId: string): void;
}

export const useDiagnosis = create<DiagnosisState>()((set) => ({
  modelsStatus: 'unknown',
  models: [],
  architecture: 'vit',
  dataset: 'brain-mri',
  backend: null,
  loading: null,
  loaded: {},
  busy: false,
  error: null,
  errorAbout: null,
  byFile: {},
  failed: {},
  setModels(models, modelsStatus, error) {
    set((s) => {
      // keep the choice if it exists, else the first model that does; a first probe opens on the dataset's
      // default (what its cross-validation, or its validation split, chose: registry.ts datasetDefault)
      const current =
        (s.models.length === 0 ? datasetDefault(models, s.dataset)?.entry : undefined) ??
        models.find((m) => m.architecture === s.architecture && m.dataset === s.dataset) ??
        models[0];
      return {
        models,
        modelsStatus,
        error: error ?? s.error,
        architecture: current?.architecture ?? s.architecture,
        dataset: current?.dataset ?? s.dataset,
      };
    });
  },
  choose(patch) {
    set((s) => {
      const next = { architecture: patch.architecture ?? s.architecture, dataset: patch.dataset ?? s.dataset };
      // another dataset opens on its default where it has one (registry.ts datasetDefault)
      const preferred = datasetDefault(s.models, next.dataset);
      if (!patch.architecture && next.dataset !== s.dataset && preferred)
        next.architecture = preferred.entry.architecture;
      // a dataset whose model of this architecture is missing: take the architecture it has
      if (!s.models.some((m) => m.architecture === next.architecture && m.dataset === next.dataset)) {
        const other = s.models.find((m) => m.dataset === next.dataset);
        if (other) next.architecture = other.architecture;
      }
      return next;
    });
  },
  setBackend(backend) {
    set({ backend });
  },
  setLoading(loading) {
    set({ loading });
  },
  setLoaded(info) {
    set((s) => ({ loaded: { ...s.loaded, [info.name]: info } }));
  },
  setBusy(busy) {
    set({ busy });
  },
  setError(error, about) {
    set({ error, errorAbout: about ?? null });
  },
  record(fileId, keyCheck, result) {
    set((s) => {
      const { [result.model]: _, ...failedOthers } = s.failed[fileId] ?? {};
      return {
        byFile: { ...s.byFile, [fileId]: { ...s.byFile[fileId], [result.model]: { result, keyCheck } } },
        failed: { ...s.failed, [fileId]: failedOthers },
      };
    });
  },
  recordFailure(fileId, model, keyCheck, reason) {
    set((s) => ({ failed: { ...s.failed, [fileId]: { ...s.failed[fileId], [model]: { reason, keyCheck } } } }));
  },
  clearResults() {
    set({ byFile: {}, failed: {} });
  },
  dropFile(fileId) {
    set((s) => {
      const { [fileId]: _, ...byFile } = s.byFile;
      const { [fileId]: __, ...failed } = s.failed;
      return { byFile, failed };
    });
  },
}));

/** The error to show beside this model and scan: none where it concerns another one. */
export function errorShown(
  s: Pick<DiagnosisState, 'error' | 'errorAbout'>,
  model: string | undefined,
  fileId: string | undefined,
): string | null {
  const about = s.errorAbout;
  if (!s.error || !about) return s.error;
  if (about.model !== undefined && about.model !== model) return null;
  if (about.fileId !== undefined && about.fileId !== fileId) return null;
  return s.error;
}

/** The chosen model's entry, if that model exists. */
export function chosenModel(s: Pick<DiagnosisState, 'models' | 'architecture' | 'dataset'>): ModelEntry | undefined {
  return s.models.find((m) => m.architecture === s.architecture && m.dataset === s.dataset);
}

/**
 * The chosen single network: the chosen model, or for an ensemble its ViT member
 * (the encrypted server path and the inversion demo read one network's class token).
 */
export function chosenSingleModel(
  s: Pick<DiagnosisState, 'models' | 'architecture' | 'dataset'>,
): ModelEntry | undefined {
  const entry = chosenModel(s);
  if (entry?.architecture !== 'ensemble') return entry;
  const vit = entry.ensemble?.members.find((m) => m.architecture === 'vit');
  return vit && s.models.find((m) => m.name === vit.name);
}

/** The single network chosenSingleModel gives, in words: "ViT", or "ViT (the ensemble's member)". */
export function chosenSingleModelLabel(
  s: Pick<DiagnosisState, 'models' | 'architecture' | 'dataset'>,
): string | undefined {
  const single = chosenSingleModel(s);
  if (!single) return undefined;
  const label = ARCHITECTURE_LABELS[single.architecture];
  return chosenModel(s)?.architecture === 'ensemble' ? `${label} (the ensemble’s member)` : label;
}
