/**
 * End-to-end tests drive Debian's Chromium (never a downloaded browser) against
 * the BUILT app (vite preview), so .wasm asset URLs are tested as shipped; built
 * with `--mode e2e`, which adds the read-only test hooks and the BPE harness page
 * to the production build (into dist-e2e/; plain `vite build` has neither).
 * Two projects: WebGPU on (SwiftShader via --enable-unsafe-webgpu) and WebGPU off
 * (flag absent and navigator.gpu removed before any page script runs).
 */
import { defineConfig } from '@playwright/test';

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
    baseURL: 'http://127.0.0.1:4173',
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    trace: 'off',
  },
  webServer: {
    // the e2e build (test hooks and the BPE harness, in dist-e2e/: vite.config.ts e2eBuild), never dist/
    command: 'npx vite build --mode e2e && npx vite preview --mode e2e',
    url: 'http://127.0.0.1:4173',
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
