/**
 * The page's side of diagnosis: the 'inference' worker of the app's worker
 * registry (appWorkers.ts), with a long idle timeout so a loaded model survives a
 * pause in use. The worker reloads its model itself if it was recycled, and the
 * key ring registers the key with it again, so callers never need to know.
 *
 * Must never: run tfjs on the page's thread, or log what it sends (scans, key handles).
 */
import * as Comlink from 'comlink';
import type { WorkerBridge } from './bridge';
import type { RgbImage } from '../../../lib/image/rgb';
import type { KeyHandle } from '../../../lib/keys/keyStore';
import type { BackendChoice, SelectOptions } from '../../../lib/diagnosis/backend';
import type { InferenceWorkerApi } from './inference.worker';
import type { LoadedModelInfo, SideBySideDiagnosis } from '../../../lib/diagnosis/session';
import { appKeys, appWorkers } from './appWorkers';

export { INFERENCE_IDLE_MS } from './appWorkers';

export function inferenceBridge(): WorkerBridge<InferenceWorkerApi> {
  return appWorkers().bridge('inference');
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

/** The side-by-side diagnosis under the key of `handle` (registered with the worker on its first use there). */
export function diagnoseInWorker(
  name: string,
  url: string,
  plain: RgbImage,
  handle: KeyHandle,
): Promise<SideBySideDiagnosis> {
  // a copy: the page keeps its model input (Comlink structured-clones arguments)
  return appKeys().call(inferenceBridge(), handle, 'diagnose', [name, url, plain, handle]);
}

/** The plain model's class-token features of `plain` and its prediction, computed in the inference worker. */
export function classTokenFeaturesInWorker(
  name: string,
  url: string,
  plain: RgbImage,
): ReturnType<InferenceWorkerApi['classTokenFeatures']> {
  return inferenceBridge().call('classTokenFeatures', [name, url, plain]);
}

export function workerMemory(): Promise<{ numTensors: number; numBytes: number; backend: string }> {
  return inferenceBridge().call('memory', []);
}
