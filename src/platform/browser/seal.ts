/**
 * Loads node-seal's web-worker build (ES module, wasm inlined in the package) once
 * per worker, for src/lib/cipher/ckks. Only the loader: wiring CKKS into a named
 * worker comes with the server (issue 16, 17). The "throws" build refuses
 * transparent ciphertexts. Must never: run on the page's main thread (key
 * generation and Galois keys block it) or import Node modules.
 */
import SEAL from 'node-seal/throws_wasm_worker_es';
import type { Seal } from '../../lib/cipher/ckks';

let loading: Promise<Seal> | undefined;

export function loadSeal(): Promise<Seal> {
  loading ??= SEAL();
  return loading;
}
