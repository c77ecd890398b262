/**
 * End-to-end tests drive Debian's Chromium (never a downloaded browser) against
 * the BUILT app served by the CipherScan server itself (src/apps/server, which sends
 * the very security headers `vite preview` sends, and the API the hospital-server
 * panel talks to), so .wasm asset URLs are tested as shipped; built with
 * `--mode e2e`, which adds the read-only test hooks and the BPE harness page to the
 * production build (into dist-e2e/; plain `vite build` has neither). The server's
 * data folder, .e2e-server/, is emptied before it starts: every run begins with no
 * account and no scan. The page is opened at http://localhost:4173, never
 * 127.0.0.1: WebAuthn refuses an IP address as its relying-party id.
 * Two projects: WebGPU on (SwiftShader via --enable-unsafe-webgpu) and WebGPU off
 * (flag absent and navigator.gpu removed before any page script runs).
 */
import { defineConfig } from '@playwright/test';

// E2E_PORT lets two checkouts on one machine run their suites side by side (each its own server)
const port = Number(process.env.E2E_PORT ?? 4173);
const origin = `http://localhost:${port}`;

const chromiumArgs = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: origin,
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    trace: 'off',
  },
  webServer: {
    // the e2e build (test hooks and the BPE harness, in dist-e2e/: vite.config.ts e2eBuild), never dist/,
    // served with the API by our server, on an empty data folder
    command:
      'rm -rf .e2e-server && npx vite build --mode e2e && ' +
      `node --import tsx src/apps/server/main.ts serve --data .e2e-server --port ${port} --static "$PWD/dist-e2e"`,
    url: origin,
    reuseExistingServer: !process.env.CI,
    timeout: 300_000,
  },
  projects: [
    {
      name: 'webgpu-on',
      use: {
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            ...chromiumArgs,
            '--enable-unsafe-webgpu',
            '--enable-features=Vulkan',
            '--use-angle=swiftshader',
            '--use-webgpu-adapter=swiftshader',
          ],
        },
      },
    },
    {
      name: 'webgpu-off',
      use: {
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [...chromiumArgs, '--disable-features=WebGPU'],
        },
      },
    },
  ],
});
