/**
 * Loads node-seal's Node build (wasm inlined in the package: nothing is
 * downloaded) once per process, for src/lib/cipher/ckks. The "throws" build
 * refuses transparent ciphertexts (an encryption that would hide nothing).
 * Must never: be imported by code that runs in the browser.
 */
import SEAL from 'node-seal/throws_wasm_node_umd';
import type { Seal } from '../../lib/cipher/ckks';

let loading: Promise<Seal> | undefined;

export function loadSeal(): Promise<Seal> {
  loading ??= SEAL();
  return loading;
}
