/**
 * The shipped build holds no test surface (issue 19): no read-only test hooks
 * (`window.__cipherscan`, `__cipherscanDiagnosis`: they hand out plain pixels to any
 * automated browser) and no BPE harness page (`bench/harness.html`,
 * `window.cipherscanHarness`). Those exist only in the e2e build (`vite build --mode
 * e2e`, into dist-e2e/; vite.config.ts). Nor does its entry chunk carry tfjs, which
 * belongs in the inference worker (issue 20's startup). `npm run build` runs this after building
 * (postbuild), so `npm start` checks what it serves every time; exit 1 with one line
 * per finding.
 *   npx tsx scripts/check-production-build.ts [DIST]
 * Must never: change the build; it only reads it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Strings that only the test hooks and the harness contain. */
export const TEST_ONLY_MARKERS = ['__cipherscan', 'cipherscanHarness'] as const;
/**
 * Strings only tfjs-core holds (its backend registry and its environment flags): the page's entry
 * chunk must not contain them. tfjs belongs in the inference worker; one import of a module that
 * imports tfjs, anywhere under the page's first render, put 0.87 MB of it in the first chunk.
 */
export const TFJS_MARKERS = ['registerBackend', 'WEBGL_VERSION'] as const;
/** The page's entry chunk (vite.config.ts names the entry `main`). */
const ENTRY_CHUNK = /^assets\/main-[^/]*\.js$/;
/** Text files the markers are searched in (the rest is wasm, images, fonts). */
const TEXT = /\.(js|mjs|html|css|json|map|txt|conf)$|^_headers$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** What in the build at `dist` belongs to tests only; empty when it is fit to ship. */
export function productionBuildProblems(dist: string): string[] {
  let all: string[];
  try {
    all = files(dist).sort();
  } catch {
    return [`${dist}: no build here (run vite build first)`];
  }
  const problems: string[] = [];
  for (const path of all) {
    const name = relative(dist, path);
    if (/(^|\/)harness[^/]*\.html$/.test(name) || name.startsWith('bench/'))
      problems.push(`${name}: the BPE harness page is for tests only`);
    if (!TEXT.test(name.split('/').pop()!)) continue;
    const text = readFileSync(path, 'utf8');
    for (const marker of TEST_ONLY_MARKERS)
      if (text.includes(marker)) problems.push(`${name}: contains "${marker}" (test hooks or harness)`);
    if (ENTRY_CHUNK.test(name) && TFJS_MARKERS.some((m) => text.includes(m)))
      problems.push(`${name}: the page's entry chunk contains tfjs (it belongs in the inference worker)`);
  }
  return problems;
}

const isEntry = process.argv[1] && /check-production-build\.ts$/.test(process.argv[1]);
if (isEntry) {
  const dist = resolve(process.argv[2] ?? 'dist');
  const problems = productionBuildProblems(dist);
  for (const p of problems) console.error(p);
  console.error(
    problems.length
      ? `check-production-build: ${problems.length} finding(s)`
      : 'check-production-build: no test hooks, no harness, no tfjs in the entry chunk',
  );
  process.exit(problems.length ? 1 : 0);
}
