/**
 * Entry of bench/harness.html: exposes the GPU parity checks and the browser half
 * of the benchmark as `window.cipherscanHarness`, for Playwright to call. It holds
 * no UI and touches no user data; keys here are random or public bench keys.
 */
import { runBpeBrowserBench } from './bpeBench.browser';
import { engineParity, gpuParity, gpuTestVectors } from './parity';

const harness = { gpuParity, gpuTestVectors, engineParity, runBpeBrowserBench };
export type CipherscanHarness = typeof harness;

declare global {
  interface Window {
    cipherscanHarness?: CipherscanHarness;
  }
}

window.cipherscanHarness = harness;
document.getElementById('status')!.textContent = 'ready';
