/**
 * Loads node-seal once per worker, for src/lib/cipher/ckks. Must never: run on
 * the page's main thread (key generation and Galois keys block it) or import
 * Node modules.
 *
 * Which build: the "cf_worker" one (made for Cloudflare Workers, which forbid
 * eval), not "worker". Every other build's embind glue calls `new Function`,
 * which the app's Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval')
 * refuses in a worker served with it — the "worker" build failed there with
 * "Evaluating a string as JavaScript violates ... 'unsafe-eval'". The cf build
 * has no `new Function` and takes a compiled WebAssembly.Module instead of an
 * inlined binary: its .wasm is a hashed asset of our own build, fetched from our
 * origin and compiled under 'wasm-unsafe-eval'. The "throws" variant refuses
 * transparent ciphertexts.
 */
import SEAL from 'node-seal/throws_wasm_cf_worker_es';
import sealWasmUrl from 'node-seal/seal_throws_wasm_cf_worker.wasm?url';
import type { Seal } from '../../lib/cipher/ckks';

let loading: Promise<Seal> | undefined;

async function compile(): Promise<WebAssembly.Module> {
  const response = await fetch(sealWasmUrl);
  if (!response.ok) throw new Error(`could not fetch the CKKS library (HTTP ${response.status})`);
  return await WebAssembly.compile(await response.arrayBuffer());
}

export function loadSeal(): Promise<Seal> {
  loading ??= compile().then((module) => SEAL(module));
  loading.catch(() => (loading = undefined)); // a failed fetch may be retried
  return loading;
}
