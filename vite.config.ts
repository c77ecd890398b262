/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { contentSecurityPolicy, securityHeaders } from './src/lib/pageSecurity/securityHeaders.ts';

// The headers live in src/lib so the CipherScan server sends the very same ones; re-exported for scripts and tests.
export { securityHeaders };

/** Writes the policy into index.html's <meta> (the dev policy when serving, the strict one in the build). */
function cspMeta(): Plugin {
  let dev = true;
  return {
    name: 'cipherscan-csp-meta',
    configResolved: (config) => {
      dev = config.command === 'serve';
    },
    transformIndexHtml: (html) => html.replace('%CONTENT_SECURITY_POLICY%', contentSecurityPolicy(dev)),
  };
}

/**
 * The built app carries its headers for other hosts too: dist/_headers (Netlify and
 * Cloudflare Pages read it) and dist/security-headers.nginx.conf (add_header lines to
 * include in an nginx location). A host that sends neither leaves the workers without
 * a policy and the page frameable.
 */
export function hostHeaderFiles(): Record<'_headers' | 'security-headers.nginx.conf', string> {
  const headers = Object.entries(securityHeaders(false));
  return {
    _headers: `/*\n${headers.map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`,
    'security-headers.nginx.conf': headers.map(([k, v]) => `add_header ${k} "${v}" always;`).join('\n') + '\n',
  };
}

function securityHeaderFiles(): Plugin {
  return {
    name: 'cipherscan-security-header-files',
    apply: 'build',
    generateBundle() {
      for (const [fileName, source] of Object.entries(hostHeaderFiles()))
        this.emitFile({ type: 'asset', fileName, source });
    },
  };
}

/**
 * The build the end-to-end tests run against: `vite build --mode e2e`. It is the
 * production build plus what only tests may have: the BPE harness page
 * (bench/harness.html, `window.cipherscanHarness`) and the read-only test hooks
 * (`window.__cipherscan*`, compiled in only where `import.meta.env.MODE` is this
 * mode), written to their own folder so that `dist/`, what `npm start` serves and
 * hosts get, never holds them (scripts/check-production-build.ts checks it).
 */
export const E2E_MODE = 'e2e';
export const E2E_OUT_DIR = 'dist-e2e';

function e2eBuild(): Plugin {
  return {
    name: 'cipherscan-e2e-build',
    config: (_config, { mode }) =>
      mode === E2E_MODE
        ? { build: { outDir: E2E_OUT_DIR, rolldownOptions: { input: { harness: 'bench/harness.html' } } } }
        : undefined,
  };
}

// One config for the app (vite), the unit tests (vitest) and the e2e server.
export default defineConfig({
  plugins: [react(), cspMeta(), securityHeaderFiles(), e2eBuild()],
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, strictPort: true, headers: securityHeaders(true) },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: securityHeaders(false) },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // The app only; the e2e build adds the BPE harness page (e2eBuild). bench/run.ts serves it from the dev server.
    rolldownOptions: { input: { main: 'index.html' } },
  },
  optimizeDeps: {
    // The dev server pre-bundles the npm packages it finds by crawling from these files. The workers are reached
    // only through `new Worker(new URL('./x.worker.ts', import.meta.url))`, which the crawl does not follow: without
    // them here, tfjs (imported only in the inference worker) is found on the first diagnosis, the dev server
    // re-optimises and reloads the page, and the user's scans and key are gone (issue 20, Broken 1).
    entries: ['index.html', 'src/platform/browser/workers/*.worker.ts'],
    // The codecs' Emscripten glue is CommonJS: the dev server must pre-bundle it to serve it as ESM.
    // Their .wasm is located by a Vite `?url` import passed to locateFile (src/lib/decode/dicom/codecs/wasmLoader.ts),
    // so pre-bundling does not break the .wasm lookup.
    include: [
      '@cornerstonejs/codec-openjpeg/decodewasmjs',
      '@cornerstonejs/codec-openjpeg/wasmjs',
      '@cornerstonejs/codec-charls/decodewasmjs',
      '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
