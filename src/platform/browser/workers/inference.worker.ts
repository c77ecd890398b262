/**
 * The inference worker: tfjs (webgpu / webgl / wasm / cpu, chosen by a timed
 * probe, see backend.ts), the loaded models and the side-by-side diagnosis run
 * here so the page's thread only draws. Reached only through the shared
 * 'inference' bridge of the worker registry (appWorkers.ts) via inferenceClient.ts.
 * The key is registered once by handle (docs/ARCHITECTURE.md, "Workers") and
 * diagnose names the handle.
 *
 * Each call names the model and where it lives, so a worker that was recycled
 * (idle timeout, abort) reloads what it needs instead of failing.
 * Must never: log or post anywhere but back to the page what it is given (scans
 * and key material), or keep a key after `forgetKey`.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { RgbImage } from '../../../lib/image/rgb';
import type { CipherKey } from '../../../lib/keys/key';
import { KeyStore, type KeyHandle, type KeyHolderApi } from '../../../lib/keys/keyStore';
import { exposeWorkerApi } from './exposeApi';
import {
  selectInferenceBackend,
  type BackendChoice,
  type BackendLoaders,
  type SelectOptions,
} from '../../../lib/diagnosis/backend';
import { gpuInputPath } from '../gpuInput';
import { progressFetch } from '../progressFetch';
import { DiagnosisSession, type LoadedModelInfo, type SideBySideDiagnosis } from '../../../lib/diagnosis/session';
import { useBundledWasmFiles } from '../wasmAssets';
import { isEnsembleName } from '../../../lib/diagnosis/ensemble';
import { ensembleSourceFromUrl } from '../../../lib/diagnosis/ensembleSession';

useBundledWasmFiles();

/**
 * The webgpu backend's code loads only when it is tried (issue 20): on a software adapter it never is,
 * and its chunk is the largest of the backends. wasm, the usual choice, and tfjs's own webgl and cpu
 * come with the worker.
 */
const BACKEND_LOADERS: BackendLoaders = { webgpu: () => import('@tensorflow/tfjs-backend-webgpu') };

const keys = new KeyStore();
let backend: { key: string; choice: Promise<BackendChoice> } | undefined;
let session: DiagnosisSession | undefined;
/** the GPU input path's plan tables: dropped with the key, the whole path with the session */
let gpuPath: { forgetPlans: () => void; dispose: () => void } | undefined;

async function ensureBackend(options: SelectOptions): Promise<BackendChoice> {
  const key = JSON.stringify(options);
  if (!backend || backend.key !== key) {
    session?.dispose();
    session = undefined;
    gpuPath?.dispose();
    gpuPath = undefined;
    backend = { key, choice: selectInferenceBackend(options, BACKEND_LOADERS) };
    backend.choice.catch(() => (backend = undefined));
  }
  const choice = await backend.choice;
  // On WebGPU the encrypted image goes from the BPE kernel to the model as a GPU buffer.
  if (!session) {
    const gpu = choice.backend === 'webgpu' ? await gpuInputPath() : undefined;
    session = new DiagnosisSession(gpu?.encrypt, gpu?.upload);
    gpuPath = gpu;
  }
  return choice;
}

async function ensureModel(name: string, url: string, onProgress?: (f: number) => void): Promise<LoadedModelInfo> {
  if (!backend) await ensureBackend({});
  await backend!.choice;
  // load() reports 0, 0.1 (manifest), 0.9 (weights), 1; the weights' bytes fill the span between
  // an ensemble loads its members (sibling folders) one after the other: progress per member, not per byte
  if (isEnsembleName(name)) return session!.loadEnsemble(name, await ensembleSourceFromUrl(url), onProgress);
  const fetch = progressFetch((received, total) => onProgress?.(0.1 + 0.8 * (received / total)));
  return session!.loadModel(name, { url, fetch }, onProgress);
}

const api = {
  async start(options: SelectOptions): Promise<BackendChoice> {
    return await ensureBackend(options);
  },

  /** Loads a model (progress 0..1 through the proxied callback) and warms it up once. */
  async loadModel(name: string, url: string, onProgress?: (fraction: number) => void): Promise<LoadedModelInfo> {
    return await ensureModel(name, url, onProgress);
  },

  async diagnose(name: string, url: string, plain: RgbImage, key: KeyHandle): Promise<SideBySideDiagnosis> {
    const cipherKey = keys.get(key); // before loading anything: a forgotten key fails at once
    if (!session?.has(name)) await ensureModel(name, url);
    return await session!.diagnose(name, plain, cipherKey);
  },

  /** The plain model's class-token features and prediction (encrypted inference encrypts the features elsewhere). */
  async classTokenFeatures(name: string, url: string, plain: RgbImage) {
    if (!session?.has(name)) await ensureModel(name, url);
    return await session!.plainFeatures(name, plain);
  },

  async registerKey(handle: KeyHandle, key: CipherKey): Promise<void> {
    keys.register(handle, key);
  },

  async heldKeys(): Promise<number> {
    return keys.size;
  },

  /** Drops the key, the adapted models and the plan of the current key, and the GPU copies of its tables. */
  async forgetKey(handle: KeyHandle): Promise<void> {
    keys.forget(handle);
    session?.forgetKey();
    gpuPath?.forgetPlans(); // the GPU BPE caches plan tables: none may outlive the key
  },

  async memory(): Promise<{ numTensors: number; numBytes: number; backend: string }> {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() };
  },
} satisfies KeyHolderApi & Record<string, unknown>;

export type InferenceWorkerApi = typeof api;

exposeWorkerApi(api);
