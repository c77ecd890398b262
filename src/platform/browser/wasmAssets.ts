/**
 * Browser only: where tfjs-backend-wasm finds its .wasm binaries. Vite's `?url`
 * imports emit them as hashed assets of our own build, and `setWasmPaths` maps
 * each file name to that URL — so the backend never reaches for a CDN and a
 * missing file fails loudly (not as "expected magic word 00 61 73 6d" on an HTML page).
 * Must never: be imported by Node code (the `?url` suffix is a Vite feature).
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

let done = false;

export function useBundledWasmFiles(): void {
  if (done) return;
  done = true;
  // Threads need cross-origin isolation, which this app does not ask for: tfjs then uses the SIMD build.
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plainWasm,
    'tfjs-backend-wasm-simd.wasm': simdWasm,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdWasm,
  });
}
