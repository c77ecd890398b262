/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * The dev server's React refresh preamble is an inline script, so index.html's CSP
 * allows 'unsafe-inline' scripts; the built app has no inline script, so the
 * shipped page drops that allowance.
 */
function strictScriptCspInBuild(): Plugin {
  return {
    name: 'cipherscan-strict-script-csp',
    apply: 'build',
    transformIndexHtml: (html) => html.replace(/(script-src [^;]*?)\s'unsafe-inline'/, '$1'),
  };
}

// One config for the app (vite), the unit tests (vitest) and the e2e server.
export default defineConfig({
  plugins: [react(), strictScriptCspInBuild()],
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // Second page: the BPE test/benchmark harness (e2e/gpu.spec.ts, bench/run.ts) is built and served with the app.
    rolldownOptions: { input: { main: 'index.html', harness: 'bench/harness.html' } },
  },
  optimizeDeps: {
    // The codecs' Emscripten glue is CommonJS: the dev server must pre-bundle it to serve it as ESM.
    // Their .wasm is located by a Vite `?url` import passed to locateFile (src/decode/dicom/codecs/wasmLoader.ts),
    // so pre-bundling does not break the .wasm lookup.
    include: ['@cornerstonejs/codec-openjpeg/decodewasmjs', '@cornerstonejs/codec-openjpeg/wasmjs', '@cornerstonejs/codec-charls/decodewasmjs', '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'],
  },
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
