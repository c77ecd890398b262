/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// One config for the app (vite), the unit tests (vitest) and the e2e server.
export default defineConfig({
  plugins: [react()],
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
    // wasm-carrying codecs are loaded lazily by URL; pre-bundling breaks their .wasm lookup.
    exclude: ['@cornerstonejs/codec-openjpeg', '@cornerstonejs/codec-charls', '@cornerstonejs/codec-libjpeg-turbo-8bit'],
  },
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
