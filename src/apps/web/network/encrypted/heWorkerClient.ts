/**
 * The page's side of the CKKS worker (he.worker.ts): one bridge, made on first
 * use, ended after 30 idle seconds (the worker's key is freed at `close` anyway).
 * Must never: hold or log what crosses (features, ciphertexts, logits).
 */
import { WorkerBridge } from '../../../../platform/browser/workers/bridge';
import type { HeWorkerApi } from './he.worker';
import type { CkksSide } from './encryptedInference';

let bridge: WorkerBridge<HeWorkerApi> | undefined;

function heBridge(): WorkerBridge<HeWorkerApi> {
  bridge ??= new WorkerBridge<HeWorkerApi>(
    () => new Worker(new URL('./he.worker.ts', import.meta.url), { type: 'module', name: 'cipherscan-he' }),
  );
  return bridge;
}

/** The CKKS side of encrypted inference, in the worker. */
export function workerCkks(signal?: AbortSignal): CkksSide {
  const b = heBridge();
  return {
    open: (shape) => b.call('open', [shape], { signal }),
    encrypt: (features) => b.call('encrypt', [features], { signal }),
    decrypt: (batch) => b.call('decrypt', [batch], { signal }),
    // not abortable: the key must be freed even after a cancel (an aborted call ends the worker, which frees it too)
    close: () => b.call('close', [], { onlyIfAlive: true }),
  };
}
