/**
 * `npm run bench -- --suite startup` (issue 20, "Present cleanly"): how long the BUILT app
 * takes, in Debian's Chromium, (1) from navigation to its first usable control, and
 * (2) from a click on "Diagnose selected scan" to the first diagnosis on screen.
 *
 * Each build is served as a user gets it: `vite build` into a temporary folder, served
 * by our server (`main.ts serve --static DIR`, an empty data folder, 127.0.0.1 only).
 * Each of the N loads is cold: a fresh browser context (empty HTTP cache and storage).
 * In each load the bench waits for the first enabled control, clicks the first
 * built-in sample and "Random key", and clicks "Diagnose selected scan" the moment it
 * is enabled — as fast as a hurried user, so background warm-up gets no free time.
 * Times are read inside the page (bench/startup/recorder.ts: performance.now() at the
 * frame that paints the change), not from Playwright's polling.
 *
 * STARTUP_BASELINE_DIST=DIR adds a second, already built app (e.g. an older commit's
 * dist/) measured in the same run, loads interleaved with this checkout's.
 * STARTUP_LOADS=N changes N (default 5).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { REPO_ROOT, startServerProcess, type ServerProcess } from '../../src/testing/serverProcess';
import { row, type BenchRow } from '../results';
import type { NodeBenchContext, NodeBenchSuite, SuiteResult } from '../suites/types';
import { startupRecorderScript, type StartupMarks } from './recorder';

const TARGETS = { firstControlMs: 1000, firstDiagnosisMs: 2000 };
const LOAD_TIMEOUT_MS = 120_000;

/** The bench's Chromium flags (bench/run.ts): WebGPU on SwiftShader where no GPU exists. */
export const STARTUP_CHROMIUM_ARGS = [
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

interface Build {
  label: string;
  dir: string;
  server?: ServerProcess;
  dataDir: string;
  loads: { firstControlMs: number; firstDiagnosisMs: number }[];
}

/** One cold load: a fresh context, the first control, then sample + key + diagnose. */
async function coldLoad(browser: Browser, url: string): Promise<{ firstControlMs: number; firstDiagnosisMs: number }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: startupRecorderScript() });
    const marks = () => page.evaluate(() => window.__startupMarks);
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__startupMarks?.firstControl !== undefined, undefined, {
      timeout: LOAD_TIMEOUT_MS,
    });
    await page.locator('button.sample').first().click();
    await page.getByTestId('generate-key').click();
    const diagnose = page.getByTestId('diagnose');
    await diagnose.waitFor({ timeout: LOAD_TIMEOUT_MS });
    await page.waitForFunction(
      () => !(document.querySelector('[data-testid="diagnose"]') as HTMLButtonElement | null)?.disabled,
      undefined,
      { timeout: LOAD_TIMEOUT_MS, polling: 'raf' },
    );
    await diagnose.click();
    await page.waitForFunction(() => window.__startupMarks?.firstDiagnosis !== undefined, undefined, {
      timeout: LOAD_TIMEOUT_MS,
    });
    const m: StartupMarks = await marks();
    return { firstControlMs: m.firstControl!, firstDiagnosisMs: m.firstDiagnosis! - m.diagnoseClick! };
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function benchRows(b: Build): BenchRow[] {
  const make = (what: string, xs: number[]) =>
    row({
      suite: 'startup',
      name: `${b.label}: ${what}`,
      runtime: 'browser',
      device: 'Chromium, built app',
      images: 1,
      imageBytes: 0,
      iterations: xs.length,
      msPerBatch: Math.min(...xs),
      msPerBatchMedian: median(xs),
      rounds: xs.length,
      verified: null,
      note: `range ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms; each: ${xs.map((x) => x.toFixed(0)).join(', ')}`,
    });
  return [
    make(
      'navigation -> first enabled control',
      b.loads.map((l) => l.firstControlMs),
    ),
    make(
      'click "Diagnose selected scan" -> first diagnosis',
      b.loads.map((l) => l.firstDiagnosisMs),
    ),
  ];
}

function summaryLines(b: Build): string[] {
  const fc = b.loads.map((l) => l.firstControlMs);
  const fd = b.loads.map((l) => l.firstDiagnosisMs);
  const fmt = (xs: number[], target: number) =>
    `median ${median(xs).toFixed(0)} ms (range ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}; target <= ${target}: ${median(xs) <= target ? 'met' : 'missed'})`;
  return [
    `${b.label} (${b.loads.length} cold loads): first control ${fmt(fc, TARGETS.firstControlMs)}; ` +
      `first diagnosis ${fmt(fd, TARGETS.firstDiagnosisMs)}`,
  ];
}

function buildCheckout(log: (line: string) => void): string {
  const out = mkdtempSync(join(tmpdir(), 'cipherscan-startup-dist-'));
  log(`building this checkout into ${out}`);
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', out, '--emptyOutDir'],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return out;
}

/** `baseline (commit abc1234)` when the folder sits in a git checkout, else its path. */
function baselineLabel(dist: string): string {
  try {
    const commit = execFileSync('git', ['-C', dirname(dist), 'rev-parse', '--short', 'HEAD'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    return `baseline (commit ${commit})`;
  } catch {
    return `baseline (${dist})`;
  }
}

export function startupSuite(): NodeBenchSuite {
  return {
    name: 'startup',
    description: 'built app in Chromium: navigation -> first control, click Diagnose -> first diagnosis (cold loads)',
    nodeOnly: true,
    async run({ log }: NodeBenchContext): Promise<SuiteResult> {
      const loads = Number(process.env.STARTUP_LOADS ?? 5);
      const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
      const builtHere = buildCheckout(log);
      const builds: Build[] = [
        {
          label: 'this checkout',
          dir: builtHere,
          dataDir: mkdtempSync(join(tmpdir(), 'cipherscan-startup-data-')),
          loads: [],
        },
      ];
      if (process.env.STARTUP_BASELINE_DIST)
        builds.unshift({
          label: baselineLabel(process.env.STARTUP_BASELINE_DIST),
          dir: process.env.STARTUP_BASELINE_DIST,
          dataDir: mkdtempSync(join(tmpdir(), 'cipherscan-startup-data-')),
          loads: [],
        });
      let browser: Browser | undefined;
      try {
        for (const b of builds) {
          b.server = await startServerProcess({ dataDir: b.dataDir, args: ['--static', b.dir] });
          log(`${b.label}: served at ${b.server.url}`);
        }
        browser = await chromium.launch({
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: STARTUP_CHROMIUM_ARGS,
        });
        // one untimed load each: the first launch of the browser's GPU and network processes is not the page's cost
        for (const b of builds) await coldLoad(browser, b.server!.url);
        for (let i = 0; i < loads; i++)
          for (const b of builds) {
            const l = await coldLoad(browser, b.server!.url);
            log(
              `${b.label} load ${i + 1}: first control ${l.firstControlMs.toFixed(0)} ms, first diagnosis ${l.firstDiagnosisMs.toFixed(0)} ms`,
            );
            b.loads.push(l);
          }
        return {
          rows: builds.flatMap(benchRows),
          meta: {
            targets: TARGETS,
            loads,
            chromium: browser.version(),
            // a shared machine's load moves these figures more than anything in the page: say what it was
            cores: cpus().length,
            loadBefore,
            loadAfter: loadavg().map((l) => Number(l.toFixed(2))),
            builds: builds.map((b) => ({ label: b.label, loads: b.loads })),
          },
          summary: [
            ...builds.flatMap(summaryLines),
            `machine: ${cpus().length} cores, load average ${loadBefore.join(' / ')} before, ${loadavg()
              .map((l) => l.toFixed(2))
              .join(' / ')} after`,
          ],
        };
      } finally {
        await browser?.close();
        for (const b of builds) {
          await b.server?.stop();
          rmSync(b.dataDir, { recursive: true, force: true });
        }
        rmSync(builtHere, { recursive: true, force: true });
      }
    },
  };
}
