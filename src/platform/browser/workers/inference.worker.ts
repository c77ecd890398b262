/**
 * The inference worker: tfjs (webgpu / webgl / wasm / cpu, chosen by a timed
 * probe, see backend.ts), the loaded models and the side-by-side diagnosis run
 * here so the page's thread only draws. Reached only through the shared
 * WorkerBridge (src/platform/browser/workers/bridge.ts) via client.ts.
 *
 * Each call names the model and where it lives, so a worker that was recycled
 * (idle timeout, abort) reloads what it needs instead of failing.
 * Must never: log or post anywhere but back to the page what it is given (scans
 * and key material), or keep a key after `forgetKey`.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import type { RgbImage } from '../../../lib/image/rgb';
import type { CipherKey } from '../../../lib/keys/key';
import { selectInferenceBackend, type BackendChoice, type SelectOptions } from '../../../lib/diagnosis/backend';
import { gpuInputPath } from '../gpuInput';
import { progressFetch } from '../progressFetch';
import { DiagnosisSession, type LoadedModelInfo, type SideBySideDiagnosis } from '../../../lib/diagnosis/session';
import { useBundledWasmFiles } from '../wasmAssets';

useBundledWasmFiles();

let backend: { key: string; choice: Promise<BackendChoice> } | undefined;
let session: DiagnosisSession | undefined;
/** the GPU input path's plan tables: dropped with the key, the whole path with the session */
let gpuPath: { forgetPlans: () => void; dispose: () => void } | undefined;

function plainError(err: unknown): never {
  const e = err instanceof Error ? err : new Error(String(err));
  const out = new Error(e.message);
  out.name = e.name;
  throw out;
}

async function ensureBackend(options: SelectOptions): Promise<BackendChoice> {
  const key = JSON.stringify(options);
  if (!backend || backend.key !== key) {
    session?.dispose();
    session = undefined;
    gpuPath?.dispose();
    gpuPath = undefined;
    backend = { key, choice: selectInferenceBackend(options) };
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
  const fetch = progressFetch((received, total) => onProgress?.(0.1 + 0.8 * (received / total)));
  return session!.loadModel(name, { url, fetch }, onProgress);
}

const api = {
  async start(options: SelectOptions): Promise<BackendChoice> {
    try {
      return await ensureBackend(options);
    } catch (err) {
      plainError(err);
    }
  },

  /** Loads a model (progress 0..1 through the proxied callback) and warms it up once. */
  async loadModel(name: string, url: string, onProgress?: (fraction: number) => void): Promise<LoadedModelInfo> {
    try {
      return await ensureModel(name, url, onProgress);
    } catch (err) {
      plainError(err);
    }
  },

  async diagnose(name: string, url: string, plain: RgbImage, key: CipherKey): Promise<SideBySideDiagnosis> {
    try {
      if (!session?.has(name)) await ensureModel(name, url);
      return await session!.diagnose(name, plain, key);
    } catch (err) {
      plainError(err);
    }
  },

  /** Drops the adapted models and the plan of the current key, and the GPU copies of its tables. */
  async forgetKey(): Promise<void> {
    session?.forgetKey();
    gpuPath?.forgetPlans(); // the GPU BPE caches plan tables: none may outlive the key
  },

  async memory(): Promise<{ numTensors: number; numBytes: number; backend: string }> {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() };
  },
};

export type InferenceWorkerApi = typeof api;

Comlink.expose(api);
