/**
 * The page's side of diagnosis: one inference worker behind the app's shared
 * WorkerBridge (src/platform/browser/workers/bridge.ts), with a long idle timeout so a loaded
 * model survives a pause in use. The worker reloads its model itself if it was
 * recycled, so callers never need to know.
 *
 * Must never: run tfjs on the page's thread, or log what it sends (scans, keys).
 */
import * as Comlink from 'comlink';
import { WorkerBridge } from './bridge';
import type { RgbImage } from '../../../lib/image/rgb';
import type { CipherKey } from '../../../lib/keys/key';
import type { BackendChoice, SelectOptions } from '../../../lib/diagnosis/backend';
import type { InferenceWorkerApi } from './inference.worker';
import type { LoadedModelInfo, SideBySideDiagnosis } from '../../../lib/diagnosis/session';

/** A loaded model is worth keeping: the worker (and its weights) goes after 10 idle minutes. */
export const INFERENCE_IDLE_MS = 10 * 60_000;

let bridge: WorkerBridge<InferenceWorkerApi> | undefined;

export function inferenceBridge(): WorkerBridge<InferenceWorkerApi> {
  bridge ??= new WorkerBridge<InferenceWorkerApi>(
    () =>
      new Worker(new URL('./inference.worker.ts', import.meta.url), { type: 'module', name: 'cipherscan-inference' }),
    INFERENCE_IDLE_MS,
  );
  return bridge;
}

export function startInference(options: SelectOptions): Promise<BackendChoice> {
  return inferenceBridge().call('start', [options]);
}

export function loadModelInWorker(
  name: string,
  url: string,
  onProgress: (fraction: number) => void,
): Promise<LoadedModelInfo> {
  return inferenceBridge().call('loadModel', [name, url, Comlink.proxy(onProgress)]);
}

export function diagnoseInWorker(
  name: string,
  url: string,
  plain: RgbImage,
  key: CipherKey,
): Promise<SideBySideDiagnosis> {
  // a copy: the page keeps its model input (Comlink structured-clones arguments)
  return inferenceBridge().call('diagnose', [name, url, plain, key]);
}

export function forgetKeyInWorker(): Promise<void> {
  if (!bridge?.alive) return Promise.resolve();
  return bridge.call('forgetKey', []);
}

export function workerMemory(): Promise<{ numTensors: number; numBytes: number; backend: string }> {
  return inferenceBridge().call('memory', []);
}
