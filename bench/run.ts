/**
 * `npm run bench` / `cipherscan bench`: starts Vite on the repository (dev server,
 * port chosen free), opens bench/harness.html in Debian's headless Chromium with
 * WebGPU enabled (SwiftShader here, a real GPU elsewhere), runs each suite of
 * bench/suites/index.ts, prints one table per suite on stdout and writes
 * bench/results/<suite>.json. Progress goes to stderr. A `nodeOnly` suite (he) runs
 * in this process; when every chosen suite is nodeOnly, no server or browser starts.
 *
 * Options: --suite NAME[,NAME]  --min-ms N (time per row and round)  --rounds N
 *          --only TEXT (rows whose name contains TEXT)
 *          --candidates DIR[,DIR] (ensemble suite: model folders timed beside the shipped ones)
 *          --batch N  --chromium PATH (default $CHROMIUM_PATH or /usr/bin/chromium)
 * Must never: download a browser, leave the server or the browser running.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { parseArgs, optionalNumber, optionalString, UsageError, type ParsedArgs } from '../src/apps/cli/args';
import type {} from './harness'; // window.cipherscanHarness typing
import type { BenchRow } from './results';
import { bpeSuite, BPE_BENCH_DEFAULTS } from './suites/bpe';
import { benchSuites } from './suites/index';
import type { AnyBenchSuite, SuiteResult } from './suites/types';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Same WebGPU flags as the webgpu-on project in playwright.config.ts. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

export interface BenchOptions {
  suites?: string[];
  minMs?: number;
  rounds?: number;
  only?: string;
  candidates?: string[];
  batch?: number;
  chromiumPath?: string;
  resultsDir?: string;
}

function formatTable(rows: BenchRow[]): string {
  const header = ['implementation', 'runtime', 'device', 'ms/batch best', 'median', 'images/s', 'MB/s', 'verified'];
  const body = rows.map((r) => [
    r.name,
    r.runtime,
    r.device,
    r.msPerBatch.toFixed(2),
    r.msPerBatchMedian.toFixed(2),
    r.imagesPerSecond.toFixed(1),
    r.megabytesPerSecond.toFixed(1),
    r.verified === null ? '-' : r.verified ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 3 && i <= 6 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export async function runBench(options: BenchOptions = {}): Promise<void> {
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const all: AnyBenchSuite[] = options.batch
    ? [bpeSuite({ ...BPE_BENCH_DEFAULTS, batch: options.batch })]
    : benchSuites();
  const chosen = options.suites?.length ? all.filter((s) => options.suites!.includes(s.name)) : all;
  const unknown = (options.suites ?? []).filter((n) => !all.some((s) => s.name === n));
  if (unknown.length)
    throw new UsageError(`unknown suite ${unknown.join(', ')} (have: ${all.map((s) => s.name).join(', ')})`);

  if (options.candidates?.length && chosen.some((s) => s.name !== 'ensemble'))
    throw new UsageError(
      '--candidates times models beside the shipped ones in the ensemble suite only: add --suite ensemble',
    );
  const needsPage = chosen.some((s) => !s.nodeOnly);
  const server = !needsPage
    ? undefined
    : await createServer({
        root: repoRoot,
        configFile: join(repoRoot, 'vite.config.ts'),
        logLevel: 'warn',
        server: { host: '127.0.0.1', port: 5290, strictPort: false, hmr: false },
        optimizeDeps: { entries: ['bench/harness.html'] },
      });
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  let page: Awaited<ReturnType<NonNullable<typeof browser>['newPage']>> | undefined;
  try {
    if (server) {
      await server.listen();
      const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5290/';
      log(`vite dev server at ${base}`);
      browser = await chromium.launch({
        executablePath: options.chromiumPath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: CHROMIUM_ARGS,
      });
      page = await browser.newPage();
      page.on('pageerror', (e) => log(`page error: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && log(`page console: ${m.text()}`));
      await page.goto(new URL('bench/harness.html', base).href);
      await page.waitForFunction(() => window.cipherscanHarness !== undefined, undefined, { timeout: 120_000 });
    }
    const resultsDir = options.resultsDir ?? join(repoRoot, 'bench', 'results');
    await mkdir(resultsDir, { recursive: true });
    for (const suite of chosen) {
      log(`suite ${suite.name}: ${suite.description}`);
      const started = performance.now();
      const common = {
        minMs: options.minMs,
        rounds: options.rounds,
        only: options.only,
        candidates: options.candidates,
        log,
      };
      const result: SuiteResult = suite.nodeOnly
        ? await suite.run(common)
        : await suite.run({ ...common, page: page! });
      console.log(`\n${suite.name} — ${suite.description}\n`);
      console.log(formatTable(result.rows));
      console.log('');
      for (const line of result.summary) console.log(line);
      // a run with candidates is a comparison, not the shipped models' figures: its own file
      const file = join(resultsDir, `${suite.name}${options.candidates?.length ? '-candidates' : ''}.json`);
      const record = {
        suite: suite.name,
        description: suite.description,
        date: new Date().toISOString(),
        node: process.version,
        browser: suite.nodeOnly ? null : browser!.version(),
        seconds: (performance.now() - started) / 1000,
        ...result.meta,
        rows: result.rows,
      };
      await writeFile(file, JSON.stringify(record, null, 2) + '\n');
      log(`wrote ${file}`);
    }
  } finally {
    await browser?.close();
    await server?.close();
  }
}

export function benchOptionsFromArgs(args: ParsedArgs): BenchOptions {
  const suites = optionalString(args, 'suite')?.split(',').filter(Boolean);
  const batch = optionalNumber(args, 'batch', 0);
  if (batch && (!Number.isInteger(batch) || batch < 1)) throw new UsageError('--batch must be a positive integer');
  const minMs = optionalNumber(args, 'min-ms', 0) || undefined;
  const rounds = optionalNumber(args, 'rounds', 0) || undefined;
  return {
    suites,
    minMs,
    rounds,
    only: optionalString(args, 'only'),
    candidates: optionalString(args, 'candidates')?.split(',').filter(Boolean),
    batch: batch || undefined,
    chromiumPath: optionalString(args, 'chromium'),
  };
}

const isEntry = process.argv[1] && /bench[\\/]run\.ts$/.test(process.argv[1]);
if (isEntry) {
  runBench(benchOptionsFromArgs(parseArgs(process.argv.slice(2)))).then(
    () => process.exit(0),
    (err: Error) => {
      console.error(`bench: ${err instanceof UsageError ? err.message : (err?.stack ?? String(err))}`);
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
