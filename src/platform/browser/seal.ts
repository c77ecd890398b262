/**
 * Loads node-seal in a web worker once per worker, for src/lib/cipher/ckks.
 * The build is node-seal's "cf_worker" one: its glue has no `new Function` (the
 * plain worker build's embind does, which this app's Content-Security-Policy,
 * `script-src 'self' 'wasm-unsafe-eval'`, refuses), and its .wasm is a separate
 * file, emitted as a hashed asset of our build through Vite's `?url` (never a
 * CDN) and compiled here. The "throws" build refuses transparent ciphertexts.
 * Must never: run on the page's main thread (key generation and Galois keys
 * block it) or import Node modules.
 */
import SEAL from 'node-seal/throws_wasm_cf_worker_es';
import sealWasmUrl from 'node-seal/seal_throws_wasm_cf_worker.wasm?url';
import type { Seal } from '../../lib/cipher/ckks';

let loading: Promise<Seal> | undefined;

async function compileSealWasm(): Promise<WebAssembly.Module> {
  const response = await fetch(sealWasmUrl);
  if (!response.ok) throw new Error(`could not load the CKKS library (${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // a dev server's HTML fallback instead of the file: say so rather than "expected magic word"
  if (bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new Error('the CKKS library file is not WebAssembly (a wrong asset URL?)');
  return WebAssembly.compile(bytes);
}

export function loadSeal(): Promise<Seal> {
  loading ??= compileSealWasm().then((module) => SEAL(module));
  loading.catch(() => (loading = undefined));
  return loading;
}
