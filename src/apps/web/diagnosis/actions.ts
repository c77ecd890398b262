/**
 * What the diagnosis panel does: find the trained models, start the inference
 * worker (backend probe), load the chosen model with progress, and run the
 * side-by-side diagnosis of the selected scan under the current key.
 *
 * Must never: diagnose without a key or with a stale result shown for another
 * key, pretend a model exists when it does not, or log scans or keys.
 */
import { BACKEND_ORDER, type InferenceBackend } from '../../../lib/diagnosis/backendNames';
import { modalityVerdict } from '../../../lib/diagnosis/declaredModality';
import { diagnoseInWorker, loadModelInWorker, startInference } from '../../../platform/browser/workers/inferenceClient';
import { appKeys } from '../../../platform/browser/workers/appWorkers';
import { discoverModels, modelLabel, type ModelEntry } from '../../../lib/diagnosis/registry';
import { chosenModel, useDiagnosis, type ModelLoading } from '../state/diagnosis';
import { declaredModalityOf, selectedFile, useFiles } from '../state/files';
import { keyReplaced, useKey } from '../state/key';
import { useSettings } from '../state/settings';
import { readableError } from '../actions/loadFiles';
import type { RgbImage } from '../../../lib/image/rgb';

let probing: Promise<void> | undefined;

export function probeModels(): Promise<void> {
  probing ??= (async () => {
    const s = useDiagnosis.getState();
    s.setModels([], 'probing');
    try {
      const models = await discoverModels(new URL(import.meta.env.BASE_URL, location.href).href);
      useDiagnosis.getState().setModels(models, 'ready');
    } catch (err) {
      useDiagnosis.getState().setModels([], 'error', `could not look for models: ${readableError(err)}`);
    }
  })();
  return probing;
}

/**
 * `?inference=webgpu|webgl|wasm|cpu` in the page URL forces one backend (to compare
 * on a real GPU, and for the end-to-end test of the GPU-buffer path); otherwise
 * the worker times a probe and takes the fastest.
 */
export function forcedBackend(search = location.search): InferenceBackend | undefined {
  const asked = new URLSearchParams(search).get('inference');
  return BACKEND_ORDER.find((b) => b === asked);
}

async function ensureBackend(): Promise<void> {
  const only = forcedBackend();
  const backend = await startInference(only ? { only } : { preferGpu: useSettings.getState().preferGpu });
  useDiagnosis.getState().setBackend(backend);
}

/** Loads in flight, by model name: a click on Diagnose during a background warm-up joins it rather than starting another. */
const inFlight = new Map<string, Promise<void>>();
/** The load the page shows progress for: the latest started (an earlier one still loading does not overwrite it). */
let shownLoad: string | undefined;

function showLoading(name: string, loading: ModelLoading | null): void {
  if (shownLoad === name) useDiagnosis.getState().setLoading(loading);
}

/**
 * Starts the inference worker (its first start loads tfjs and times the backends) and loads `entry`'s
 * weights, saying which of the two it is doing (the panel and the status bar show it).
 */
export function loadModel(entry: ModelEntry): Promise<void> {
  let loading = inFlight.get(entry.name);
  if (!loading) {
    loading = (async () => {
      shownLoad = entry.name;
      showLoading(entry.name, { name: entry.name, fraction: 0, stage: 'engine' });
      try {
        await ensureBackend();
        const info = await loadModelInWorker(entry.name, entry.url, (fraction) =>
          showLoading(entry.name, { name: entry.name, fraction, stage: 'weights' }),
        );
        useDiagnosis.getState().setLoaded(info);
      } finally {
        showLoading(entry.name, null);
        inFlight.delete(entry.name);
      }
    })();
    inFlight.set(entry.name, loading);
  }
  return loading;
}

export async function loadChosenModel(): Promise<void> {
  const entry = chosenModel(useDiagnosis.getState());
  if (!entry) return;
  try {
    useDiagnosis.getState().setError(null);
    await loadModel(entry);
  } catch (err) {
    useDiagnosis
      .getState()
      .setError(`could not load the ${modelLabel(entry)} model: ${readableError(err)}`, { model: entry.name });
  }
}

export function diagnoseSelected(): Promise<void> {
  const file = selectedFile(useFiles.getState());
  return diagnoseFiles(file ? [file.id] : []);
}

/** Every loaded scan, one after the other (the worker runs one call at a time anyway). */
export function diagnoseAll(): Promise<void> {
  return diagnoseFiles(
    useFiles
      .getState()
      .files.filter((f) => f.modelInput)
      .map((f) => f.id),
  );
}

async function diagnoseFiles(ids: string[]): Promise<void> {
  const d = useDiagnosis.getState();
  const entry = chosenModel(d);
  const key = useKey.getState().key;
  if (!entry) return d.setError('no trained model available for this choice');
  if (ids.length === 0) return d.setError('load a scan first');
  if (!key) return d.setError('make or load a key first: the encrypted side needs it');
  d.setError(null);
  d.setBusy(true);
  try {
    if (!d.loaded[entry.name]) await loadModel(entry);
    if (keyReplaced(key)) return; // forgotten or replaced while the model loaded
    // one handle for the whole run: a key forgotten meanwhile fails the next call instead of going back
    const handle = appKeys().registerKey(key);
    for (const id of ids) {
      const file = useFiles.getState().files.find((f) => f.id === id);
      if (!file?.modelInput) continue; // removed meanwhile
      const input = file.modelInput;
      let result;
      try {
        result = await diagnoseInWorker(entry.name, entry.url, input, handle);
      } catch (err) {
        if (keyReplaced(key)) return;
        if (!stillShown(id, input)) continue;
        // one scan that fails does not stop the others: the all-scans table gives its reason
        useDiagnosis.getState().recordFailure(file.id, entry.name, key.check, readableError(err));
        if (ids.length === 1) throw err;
        continue;
      }
      if (keyReplaced(key)) return; // the key changed meanwhile: this result belongs to the old one
      if (!stillShown(id, input)) continue;
      // what the DICOM file says it is, from the file on this device (never from the encrypted image)
      const declaredModality = modalityVerdict(result.classes, declaredModalityOf(file));
      useDiagnosis.getState().record(file.id, key.check, declaredModality ? { ...result, declaredModality } : result);
    }
  } catch (err) {
    // about this model (and, for one scan, that scan): switching to another does not keep it on screen
    useDiagnosis.getState().setError(`diagnosis failed: ${readableError(err)}`, {
      model: entry.name,
      ...(ids.length === 1 ? { fileId: ids[0] } : {}),
    });
  } finally {
    useDiagnosis.getState().setBusy(false);
  }
}

/** Whether the scan still has this model input: re-decoded meanwhile (another frame, grey mapping) or removed, its answer is of an image no longer shown. */
function stillShown(id: string, input: RgbImage): boolean {
  return useFiles.getState().files.find((f) => f.id === id)?.modelInput === input;
}

/**
 * The key was replaced or forgotten: results of the old key go. Its adapted models go with it in the
 * worker, where Forget key / a new key forgets its handle (keyActions.ts).
 */
export function onKeyChanged(): void {
  useDiagnosis.getState().clearResults();
}
