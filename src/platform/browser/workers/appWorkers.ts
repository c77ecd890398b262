/**
 * The app's workers, by name, in one registry (docs/ARCHITECTURE.md, "Workers"):
 * 'pipeline' (decode, key derivation, packages, attacks, reading encrypted PNGs)
 * and 'inference' (tfjs), and the one key ring through which the page registers
 * its key with them and forgets it everywhere.
 *
 * Must never: start a worker before a call needs it, or keep a key here (the ring
 * holds the one in use until Forget key, as the page's key store does).
 */
import type { PipelineWorkerApi } from './pipeline.worker';
import type { InferenceWorkerApi } from './inference.worker';
import { IDLE_TIMEOUT_MS, type WorkerBridge } from './bridge';
import { KeyRing } from './keyRing';
import { WorkerRegistry } from './registry';

export interface AppWorkerApis {
  pipeline: PipelineWorkerApi;
  inference: InferenceWorkerApi;
}

/** A loaded model is worth keeping: the inference worker (and its weights) goes after 10 idle minutes. */
export const INFERENCE_IDLE_MS = 10 * 60_000;

let registry: WorkerRegistry<AppWorkerApis> | undefined;
let ring: KeyRing | undefined;

export function appWorkers(): WorkerRegistry<AppWorkerApis> {
  registry ??= new WorkerRegistry<AppWorkerApis>({
    // one worker: its calls run in order, and a 64 MiB Argon2id or a large DICOM is enough memory at a time
    pipeline: {
      create: () =>
        new Worker(new URL('./pipeline.worker.ts', import.meta.url), { type: 'module', name: 'cipherscan-pipeline' }),
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      poolSize: 1,
    },
    inference: {
      create: () =>
        new Worker(new URL('./inference.worker.ts', import.meta.url), { type: 'module', name: 'cipherscan-inference' }),
      idleTimeoutMs: INFERENCE_IDLE_MS,
    },
  });
  return registry;
}

/** The page's key ring: handles for the key in use, registered with each worker on first use. */
export function appKeys(): KeyRing {
  ring ??= new KeyRing(() => appWorkers().bridges());
  return ring;
}

/** The pipeline worker's bridge (calls in order). */
export function pipelineBridge(): WorkerBridge<PipelineWorkerApi> {
  return appWorkers().bridge('pipeline');
}

/** How many keys each live worker holds: all 0 after Forget key (end-to-end tests). */
export async function heldKeysInWorkers(): Promise<number> {
  const live = appWorkers()
    .bridges()
    .filter((b) => b.alive) as unknown as WorkerBridge<{ heldKeys: () => Promise<number> }>[];
  const counts = await Promise.all(live.map((b) => b.call('heldKeys', [])));
  return counts.reduce((a, b) => a + b, 0);
}
