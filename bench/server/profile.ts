/**
 * Where the full STOW path spends its time: the server entry (as the suite runs it) under V8's
 * CPU profiler (`--cpu-prof`) while autocannon uploads distinct sealed bundles at
 * one concurrency, then the profile's self time summed by what runs it — PGlite,
 * Cedar, jose, Fastify, the server's own modules, Node's internals, GC, idle.
 * Idle is time the process waited (on fsync, on PostgreSQL, on the load generator).
 *
 *   npx tsx bench/server/profile.ts [--db pglite|postgres] [--connections 8] [--requests 400]
 *                                   [--blobs file|database] [--threadpool N] [--sync-commit off] [--no-profile]
 *
 * Loopback only; bounded by --requests; the server and any cluster are stopped after.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startServerProcess } from '../../src/testing/serverProcess';
import { inviteCode, sealStudies, signedInAccount } from '../../src/testing/serverStudies';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../src/testing/postgres';
import { bodiesNeeded, runLoad } from './load';
import { SERVE_ARGS } from './suite';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** What a frame belongs to, for people: a package, a server folder, or V8's own buckets. */
export function category(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/src\/(apps\/server\/[^/]+|lib\/[^/]+)/.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:')) return 'node internals';
  if (url.startsWith('wasm://')) return 'wasm';
  return url.replace(/^.*\/work\/[^/]+\//, '');
}

/** Categories that name code we can act on (a package or one of our folders), not V8's or Node's plumbing. */
const owning = (key: string) => !key.startsWith('(') && key !== 'wasm' && key !== 'node internals';

/**
 * Self time per category over the last `windowMs` of the profile (the measured row),
 * each sample charged to the nearest frame up its stack that belongs to a package or
 * to our code: PGlite's wasm to PGlite, a write() to the blob store that called it.
 */
export function selfTimeByCategory(profile: CpuProfile & { endTime: number }, windowMs: number): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owner = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const known = owner.get(id);
    if (known) return known;
    const own = category(byId.get(id)!.callFrame);
    let key = own;
    for (let at = parent.get(id); !owning(key) && at !== undefined; at = parent.get(at)) {
      const up = category(byId.get(at)!.callFrame);
      if (owning(up)) key = `${up} (via ${own})`;
    }
    owner.set(id, key);
    return key;
  };
  const totals = new Map<string, number>();
  const deltas = profile.timeDeltas;
  let t = profile.endTime - deltas.reduce((a, b) => a + b, 0);
  const from = profile.endTime - windowMs * 1000;
  profile.samples.forEach((id, i) => {
    t += deltas[i] ?? 0;
    if (t < from || !byId.has(id)) return;
    const key = ownerOf(id);
    totals.set(key, (totals.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  });
  return totals;
}

async function setSynchronousCommitOff(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`ALTER DATABASE ${new URL(url).pathname.slice(1)} SET synchronous_commit = off`);
  } finally {
    await client.end();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'pglite' },
      connections: { type: 'string', default: '8' },
      requests: { type: 'string', default: '400' },
      /** libuv's pool (fs, WebCrypto digests): 4 threads unless set */
      threadpool: { type: 'string' },
      /** file (default) or database */
      blobs: { type: 'string', default: 'file' },
      /** PostgreSQL: `off` sets synchronous_commit off for the database (an experiment: how much is the WAL flush) */
      'sync-commit': { type: 'string', default: 'on' },
      /** no --cpu-prof (the profiler's own cost out of the figure) */
      'no-profile': { type: 'boolean', default: false },
    },
  });
  const connections = Number(values.connections);
  const requests = Number(values.requests);
  const dir = mkdtempSync(join(tmpdir(), 'cipherscan-profile-'));
  const profDir = join(dir, 'prof');
  let cluster: ThrowawayPostgres | undefined;
  try {
    cluster = values.db === 'postgres' ? await startThrowawayPostgres() : undefined;
    const url = await cluster?.createDatabase('cipherscan_profile');
    if (cluster && values['sync-commit'] === 'off') await setSynchronousCommitOff(url!);
    let r: Awaited<ReturnType<typeof runLoad>> | undefined;
    const dataDir = join(dir, 'data');
    const server = await startServerProcess({
      dataDir,
      databaseUrl: url,
      args: [...SERVE_ARGS, '--blobs', values.blobs!],
      nodeArgs: values['no-profile'] ? [] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
      env: values.threadpool ? { UV_THREADPOOL_SIZE: values.threadpool } : {},
    });
    try {
      const owner = await signedInAccount(
        server.url,
        await inviteCode({ dataDir, databaseUrl: url }, 'bench'),
        'bench',
      );
      const warm = 100;
      const studies = await sealStudies(owner, warm + bodiesNeeded(connections, requests));
      const bodies = studies.map((s) => s.stow);
      await runLoad({
        url: `${server.loopbackUrl}/api/dicomweb/studies`,
        token: owner.token,
        connections: 4,
        amount: warm - 10,
        bodies: bodies.slice(0, warm),
      });
      r = await runLoad({
        url: `${server.loopbackUrl}/api/dicomweb/studies`,
        token: owner.token,
        connections,
        amount: requests,
        bodies: bodies.slice(warm),
      });
      const variant = `blobs ${values.blobs}, threadpool ${values.threadpool ?? 'default'}, synchronous_commit ${values['sync-commit']}`;
      console.log(
        `${values.db} (${variant}) c=${connections}: ${r.perSecond.toFixed(1)} uploads/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, errors ${r.errors}`,
      );
    } finally {
      await server.stop();
    }
    if (values['no-profile']) return;
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('the server wrote no profile');
    const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile & { endTime: number };
    // The row ended just before the stop: its last r.seconds, less the stop itself (~0.1 s).
    const totals = selfTimeByCategory(profile, (r!.seconds - 0.1) * 1000);
    const all = [...totals.values()].reduce((a, b) => a + b, 0);
    console.log(
      `server process during the row: ${(all / 1000).toFixed(2)} s sampled (wall ${r!.seconds.toFixed(2)} s)`,
    );
    for (const [key, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 20))
      console.log(`${((ms / all) * 100).toFixed(1).padStart(5)} %  ${(ms / 1000).toFixed(2).padStart(6)} s  ${key}`);
  } finally {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const isEntry = process.argv[1] && /bench[\\/]server[\\/]profile\.ts$/.test(process.argv[1]);
if (isEntry) await main();
