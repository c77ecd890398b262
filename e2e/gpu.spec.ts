/**
 * BPE on the GPU, in real headless Chromium: the WebGPU kernel (bpe.wgsl) must
 * give the TypeScript reference's bytes exactly, for random keys, several
 * geometries (one whose image size is not a whole number of u32 words) and
 * batches of images; decryption must undo it exactly; the published bpe-v1 test
 * vectors must reproduce. With WebGPU off, the engine must take the CPU path and
 * still give the same bytes. Checks run in bench/harness.html (built with the
 * app); the page returns counts and hashes only.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type {} from '../bench/harness';
import { applyGpuMode } from './webgpuOff';

interface Vector {
  name: string;
  imageSize: number;
  blockSize: number;
  plainSha256: string;
  encryptedSha256: string;
}
const VECTORS: Vector[] = JSON.parse(
  readFileSync(new URL('../docs/bpe-v1-test-vectors.json', import.meta.url), 'utf8'),
);

const GEOMETRIES = [
  { imageSize: 200, blockSize: 25, batch: 3 },
  { imageSize: 64, blockSize: 16, batch: 11 }, // more than one group of images per invocation, with a remainder
  { imageSize: 25, blockSize: 5, batch: 5 }, // 25*25*3 = 1875 bytes: not a multiple of 4, images are padded per stride
] as const;

async function openHarness(page: Page): Promise<void> {
  await page.goto('/bench/harness.html');
  await page.waitForFunction(() => window.cipherscanHarness !== undefined);
}

test.describe('BPE on WebGPU matches the TypeScript reference', () => {
  test.beforeEach(async ({ page }, testInfo) => {
    const mode = await applyGpuMode(page, testInfo);
    test.skip(mode === 'webgpu-off', 'WebGPU is switched off in this project; the CPU path is tested below');
    await openHarness(page);
  });

  for (const layout of ['table', 'blocks'] as const) {
    for (const g of GEOMETRIES) {
      test(`${g.imageSize}/${g.blockSize}, batch of ${g.batch}, ${layout} layout: encrypt equals reference, decrypt inverts`, async ({
        page,
      }) => {
        const r = await page.evaluate((c) => window.cipherscanHarness!.gpuParity(c), { ...g, layout });
        test.skip(!r.available, `no WebGPU adapter in this browser: ${r.reason}`);
        const bytes = g.imageSize * g.imageSize * 3 * g.batch;
        expect(r.encrypt).toEqual({ bytes, mismatches: 0, firstMismatch: -1 });
        expect(r.decrypt).toEqual({ bytes, mismatches: 0, firstMismatch: -1 });
        expect(r.roundTrip).toEqual({ bytes, mismatches: 0, firstMismatch: -1 });
        // random images: an identity kernel would change almost nothing
        expect(r.changedFraction!).toBeGreaterThan(0.5);
        expect(r.arrayInputSame).toBe(true);
        // result left on the GPU (for the model): same bytes, zero padding between images
        expect(r.toBuffer).toEqual({ bytes, mismatches: 0, firstMismatch: -1 });
        expect(r.paddingZero).toBe(true);
      });
    }
  }

  test('bpe-v1 test vectors reproduce on the GPU (both layouts)', async ({ page }) => {
    for (const layout of ['table', 'blocks'] as const) {
      const r = await page.evaluate((l) => window.cipherscanHarness!.gpuTestVectors(l), layout);
      test.skip(!r.available, `no WebGPU adapter in this browser: ${r.reason}`);
      expect(r.results.map((v) => v.name)).toEqual(VECTORS.map((v) => v.name));
      for (const [i, v] of VECTORS.entries()) {
        expect(r.results[i].plainSha256, `${v.name} plain`).toBe(v.plainSha256);
        expect(r.results[i].encryptedSha256, `${v.name} encrypted (${layout})`).toBe(v.encryptedSha256);
        expect(r.results[i].roundTripExact, `${v.name} round trip (${layout})`).toBe(true);
      }
    }
  });

  test('the engine picks WebGPU and says whether the adapter is software', async ({ page }) => {
    const r = await page.evaluate(() =>
      window.cipherscanHarness!.engineParity({ imageSize: 64, blockSize: 16, batch: 4 }),
    );
    test.skip(r.path === 'cpu', `no WebGPU adapter in this browser: ${r.fallbackReason}`);
    expect(r.path).toBe('webgpu');
    expect(r.label).toMatch(/^WebGPU \(/);
    if (/swiftshader/i.test(r.adapterInfo ?? '')) {
      expect(r.softwareAdapter).toBe(true);
      expect(r.label).toBe('WebGPU (SwiftShader, software)');
      // and a caller may refuse software adapters: then the CPU path, same bytes
      const cpu = await page.evaluate(() =>
        window.cipherscanHarness!.engineParity({ imageSize: 64, blockSize: 16, batch: 2, allowSoftwareGpu: false }),
      );
      expect(cpu.path).toBe('cpu');
      expect(cpu.fallbackReason).toMatch(/software/);
      expect(cpu.encrypt.mismatches).toBe(0);
    }
    expect(r.encrypt.mismatches).toBe(0);
    expect(r.roundTrip.mismatches).toBe(0);
    expect(
      r.vectors.every((v) => v.matches),
      JSON.stringify(r.vectors),
    ).toBe(true);
    // the GPU keeps the tables of the plans it ran (each as good as its key) until told to forget them
    expect(r.plansKept).toBeGreaterThan(1);
    expect(r.plansAfterForget).toBe(0);
    expect(r.sameAfterForget).toBe(true);
  });
});

test.describe('without WebGPU the engine falls back to the CPU reference', () => {
  test('webgpu-off: path is cpu, bytes equal the reference, vectors reproduce', async ({ page }, testInfo) => {
    const mode = await applyGpuMode(page, testInfo);
    test.skip(mode !== 'webgpu-off', 'this check is for the webgpu-off project');
    await openHarness(page);
    expect(await page.evaluate(() => 'gpu' in navigator && navigator.gpu !== undefined)).toBe(false);
    const r = await page.evaluate(() =>
      window.cipherscanHarness!.engineParity({ imageSize: 64, blockSize: 16, batch: 4 }),
    );
    expect(r.path).toBe('cpu');
    expect(r.label).toBe('CPU (TypeScript reference)');
    expect(r.fallbackReason).toMatch(/WebGPU is not available/);
    expect(r.encrypt.mismatches).toBe(0);
    expect(r.roundTrip.mismatches).toBe(0);
    expect(r.vectors.length).toBe(VECTORS.length);
    expect(
      r.vectors.every((v) => v.matches),
      JSON.stringify(r.vectors),
    ).toBe(true);
  });
});
