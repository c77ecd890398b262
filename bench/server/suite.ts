/**
 * `npm run bench -- --suite server` (issue 16): what the STOW-RS upload path costs
 * against what Fastify itself costs, in one run so the rows compare as ratios.
 *
 * Load rows (loopback, 127.0.0.1 only; autocannon in this process, each server in
 * its own child process), at 1, 8 and 64 connections:
 *   - bare: a Fastify route that reads the same ~100 KB multipart body and drops it;
 *   - full, PGlite: the real entry (`main.ts serve`, rate limits raised), a signed-in clinician, one
 *     distinct sealed bundle (100 KB package) per request: token, multipart parse,
 *     bundle decode, record signature, Cedar, blob write + fsync, row, audit;
 *   - full, PostgreSQL: the same with DATABASE_URL on a throwaway local cluster.
 * Micro rows: one Cedar decision, one audit append, one blob put.
 *
 * Bounded: fixed request counts (a few seconds a row), autocannon's 10 s timeout
 * per request; every server started here is stopped in `finally`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerProcess, startServerProcess } from '../../src/testing/serverProcess';
import { inviteCode, randomPackage, sealStudies, signedInAccount } from '../../src/testing/serverStudies';
import { encodeStowBody } from '../../src/lib/serverClient';
import { postgresAvailable, startThrowawayPostgres, type ThrowawayPostgres } from '../../src/testing/postgres';
import { row, type BenchRow } from '../results';
import type { NodeBenchContext, NodeBenchSuite, SuiteResult } from '../suites/types';
import { bodiesNeeded, type LoadResult, runLoad, type StowBody } from './load';
import { type MicroResult, policyRows } from './micro';
import { startBareServer } from './processes';
import { stageRows } from './stages';
import { storageRows } from './storageMicro';
import { formatLoadTable, formatMicroTable } from './tables';

/** The bench sends more than a person would: the per-IP limits must not be what is measured. */
const NO_LIMIT = String(1_000_000_000);
export const SERVE_ARGS = [
  '--rate-limit-api',
  NO_LIMIT,
  '--rate-limit-auth',
  NO_LIMIT,
  '--rate-limit-account',
  NO_LIMIT,
];

export const CONCURRENCY = [1, 8, 64] as const;
/** Requests per full-path row (distinct studies); the bare rows send BARE_FACTOR times as many. */
const FULL_REQUESTS: Record<number, number> = { 1: 120, 8: 320, 64: 640 };
const BARE_FACTOR = 4;
const WARMUP = 120;
const PACKAGE_BYTES = 100_000;
const TARGET_RATIO = 0.5;
const STOW_PATH = '/api/dicomweb/studies';

export type Target = 'bare' | 'pglite' | 'postgres';
const LABEL: Record<Target, string> = {
  bare: 'bare Fastify (read + drop body)',
  pglite: 'full STOW, PGlite',
  postgres: 'full STOW, PostgreSQL',
};

export interface LoadRow extends LoadResult {
  target: Target;
  label: string;
}

interface FullTarget {
  target: Target;
  server: ServerProcess;
  token: string;
  /** per concurrency, the distinct bodies that row may send */
  bodies: Map<number, StowBody[]>;
  warmup: StowBody[];
}

async function prepareFull(
  target: 'pglite' | 'postgres',
  dataDir: string,
  databaseUrl: string | undefined,
  log: (line: string) => void,
): Promise<FullTarget> {
  const server = await startServerProcess({ dataDir, databaseUrl, args: SERVE_ARGS });
  log(`${target}: server pid ${server.pid} at ${server.url}`);
  const owner = await signedInAccount(server.url, await inviteCode({ dataDir, databaseUrl }, 'bench'), 'bench');
  const counts = CONCURRENCY.map((c) => bodiesNeeded(c, FULL_REQUESTS[c]));
  const total = WARMUP + counts.reduce((a, b) => a + b, 0);
  const started = performance.now();
  const studies = await sealStudies(owner, total, PACKAGE_BYTES);
  log(`${target}: sealed ${total} bundles in ${((performance.now() - started) / 1000).toFixed(1)} s (untimed)`);
  const stow = studies.map((s) => s.stow);
  const bodies = new Map<number, StowBody[]>();
  let at = WARMUP;
  CONCURRENCY.forEach((c, i) => {
    bodies.set(c, stow.slice(at, at + counts[i]));
    at += counts[i];
  });
  return { target, server, token: owner.token, bodies, warmup: stow.slice(0, WARMUP) };
}

function loadBenchRow(r: LoadRow): BenchRow {
  return row({
    suite: 'server',
    name: `${r.label}, c=${r.connections}`,
    runtime: 'node',
    device: 'CPU, loopback',
    images: r.ok,
    imageBytes: r.bodyBytes,
    iterations: r.requests,
    msPerBatch: r.seconds * 1000,
    verified: r.errors === 0,
    note: `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, errors ${r.errors} (images = requests answered 2xx; ms/batch = the whole row)`,
  });
}

function microBenchRow(m: MicroResult): BenchRow {
  return row({
    suite: 'server',
    name: `micro: ${m.name}`,
    runtime: 'node',
    device: 'CPU',
    images: m.calls,
    imageBytes: 0,
    iterations: m.calls,
    msPerBatch: m.ms,
    verified: null,
    note: `${m.usPerCall.toFixed(1)} µs/call${m.note ? `; ${m.note}` : ''}`,
  });
}

export async function runServerBench(ctx: NodeBenchContext): Promise<SuiteResult> {
  const { log } = ctx;
  const microMs = ctx.minMs ?? 500;
  const loadBefore = loadavg();
  const wanted = (name: string) => !ctx.only || name.includes(ctx.only);
  const micro: MicroResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'cipherscan-bench-server-'));
  const stops: (() => Promise<void>)[] = [];
  const loads: LoadRow[] = [];
  let postgres: ThrowawayPostgres | undefined;
  let skipped: string | undefined;
  try {
    const bare = wanted('bare') ? await startBareServer() : undefined;
    if (bare) stops.push(bare.stop);
    const full: FullTarget[] = [];
    if (wanted('pglite')) full.push(await prepareFull('pglite', join(dir, 'pglite'), undefined, log));
    const pgWanted = wanted('postgres') || wanted('micro');
    if (pgWanted && postgresAvailable()) postgres = await startThrowawayPostgres();
    else if (pgWanted) skipped = 'PostgreSQL rows skipped: not installed (bash scripts/ensure-postgres.sh)';
    if (wanted('micro')) {
      micro.push(...(await policyRows(microMs)));
      const auditUrl = await postgres?.createDatabase('cipherscan_bench_micro');
      micro.push(...(await storageRows(microMs, PACKAGE_BYTES, auditUrl)));
      micro.push(
        ...(await stageRows(microMs, PACKAGE_BYTES, await postgres?.createDatabase('cipherscan_bench_stages'))),
      );
    }
    if (wanted('postgres') && postgres) {
      const url = await postgres.createDatabase('cipherscan_bench');
      full.push(await prepareFull('postgres', join(dir, 'postgres'), url, log));
    }
    for (const f of full) stops.push(f.server.stop);

    for (const f of full) {
      const warm = await runLoad({
        url: f.server.loopbackUrl + STOW_PATH,
        token: f.token,
        connections: 4,
        amount: WARMUP - 10,
        bodies: f.warmup,
      });
      if (warm.errors) throw new Error(`${f.target}: warm-up uploads failed (${warm.errors} errors)`);
    }
    // Interleaved by concurrency, so a noisy neighbour on the machine hits every target alike.
    for (const c of CONCURRENCY) {
      if (bare) {
        const someBodies = full[0]?.bodies.get(c) ?? fillerBodies();
        const r = await runLoad({
          url: bare.url + STOW_PATH,
          connections: c,
          amount: FULL_REQUESTS[c] * BARE_FACTOR,
          bodies: someBodies,
          reuseBodies: true,
        });
        loads.push({ ...r, target: 'bare', label: LABEL.bare });
        log(`bare c=${c}: ${r.perSecond.toFixed(0)}/s`);
      }
      for (const f of full) {
        const r = await runLoad({
          url: f.server.loopbackUrl + STOW_PATH,
          token: f.token,
          connections: c,
          amount: FULL_REQUESTS[c],
          bodies: f.bodies.get(c)!,
        });
        loads.push({ ...r, target: f.target, label: LABEL[f.target] });
        log(`${f.target} c=${c}: ${r.perSecond.toFixed(0)}/s, ${r.errors} errors`);
      }
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await postgres?.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  return summarise(loads, micro, { skipped, loadBefore, loadAfter: loadavg() });
}

/** Bare rows alone (`--only bare`): bodies of the same size, sealed against no server. */
function fillerBodies(): StowBody[] {
  return Array.from({ length: 8 }, () => encodeStowBody([randomPackage(PACKAGE_BYTES + 1_400)]));
}

export function ratioAt(loads: LoadRow[], target: Target, connections: number): number | undefined {
  const bare = loads.find((l) => l.target === 'bare' && l.connections === connections);
  const full = loads.find((l) => l.target === target && l.connections === connections);
  return bare && full ? full.perSecond / bare.perSecond : undefined;
}

interface RunFacts {
  skipped?: string;
  /** the machine's 1/5/15-minute load averages: other work on its cores skews every row */
  loadBefore: number[];
  loadAfter: number[];
}

function summarise(loads: LoadRow[], micro: MicroResult[], facts: RunFacts): SuiteResult {
  const { skipped, loadBefore, loadAfter } = facts;
  const summary = ['uploads (2xx) per second, latency per request, errors = non-2xx + failed requests:', ''];
  summary.push(...formatLoadTable(loads), '');
  if (micro.length) summary.push(...formatMicroTable(micro), '');
  const ratios: Record<string, number | null> = {};
  for (const target of ['pglite', 'postgres'] as const) {
    const ratio = ratioAt(loads, target, 8);
    ratios[target] = ratio ?? null;
    if (ratio === undefined) continue;
    const verdict = ratio >= TARGET_RATIO ? 'met' : 'missed';
    summary.push(`full/bare at c=8, ${LABEL[target]}: ${ratio.toFixed(3)} (target >= ${TARGET_RATIO}: ${verdict})`);
  }
  const errors = loads.reduce((n, l) => n + l.errors, 0);
  summary.push(`errors over all load rows: ${errors} (must be 0)`);
  if (skipped) summary.push(skipped);
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');
  summary.push(`machine: ${cpus().length} cores, load average ${load(loadBefore)} before, ${load(loadAfter)} after`);
  return {
    rows: [...loads.map(loadBenchRow), ...micro.map(microBenchRow)],
    meta: {
      packageBytes: PACKAGE_BYTES,
      targetRatio: TARGET_RATIO,
      ratiosAtC8: ratios,
      cores: cpus().length,
      loadBefore,
      loadAfter,
      loads,
      micro,
    },
    summary,
  };
}

export function serverSuite(): NodeBenchSuite {
  return {
    name: 'server',
    description: 'STOW-RS uploads: bare Fastify vs the full path on PGlite and PostgreSQL (loopback, autocannon)',
    nodeOnly: true,
    run: runServerBench,
  };
}
