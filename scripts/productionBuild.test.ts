/**
 * The production-build check must be able to fail: a build with a test hook's name
 * in a script or with the harness page is refused, a clean one passes. (The real
 * build is checked by `npm run build`'s postbuild step.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { productionBuildProblems } from './check-production-build';

const root = mkdtempSync(join(tmpdir(), 'cipherscan-dist-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function build(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('check-production-build', () => {
  it('passes a build without test hooks or harness', () => {
    const dir = build('clean', { 'index.html': '<div id="root"></div>', 'assets/index-abc.js': 'createRoot()' });
    expect(productionBuildProblems(dir)).toEqual([]);
  });

  it('refuses test hooks in a script and the harness page', () => {
    const dir = build('e2e', {
      'index.html': '<div id="root"></div>',
      'assets/index-abc.js': 'Object.defineProperty(window,"__cipherscan",{value:h})',
      'bench/harness.html': '<script src="/assets/harness-x.js"></script>',
      'assets/harness-x.js': 'window.cipherscanHarness=h',
    });
    expect(productionBuildProblems(dir)).toEqual([
      'assets/harness-x.js: contains "cipherscanHarness" (test hooks or harness)',
      'assets/index-abc.js: contains "__cipherscan" (test hooks or harness)',
      'bench/harness.html: the BPE harness page is for tests only',
    ]);
  });

  it("refuses tfjs in the page's entry chunk, not in a worker's chunk", () => {
    const dir = build('tfjs', {
      'index.html': '<div id="root"></div>',
      'assets/main-abc.js': 'e.registerBackend("wasm",f);g("WEBGL_VERSION",2)',
      'assets/inference.worker-def.js': 'e.registerBackend("wasm",f)',
    });
    expect(productionBuildProblems(dir)).toEqual([
      "assets/main-abc.js: the page's entry chunk contains tfjs (it belongs in the inference worker)",
    ]);
  });

  it('says so when there is no build', () => {
    expect(productionBuildProblems(join(root, 'none'))).toEqual([
      `${join(root, 'none')}: no build here (run vite build first)`,
    ]);
  });
});
