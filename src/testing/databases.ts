/**
 * Runs one suite of storage tests on both databases the server supports: PGlite
 * (in memory) and a throwaway PostgreSQL (src/testing/postgres.ts), so neither
 * drifts. One PostgreSQL cluster per test file, started by the first PostgreSQL
 * suite and stopped after the file; each freshDatabase() is a new CREATE DATABASE.
 * PGlite databases start from a snapshot of a new cluster (~1 s instead of ~5 s),
 * made once and kept in the temp directory for later test files.
 * Where PostgreSQL is not installed, the PostgreSQL half is skipped with a message,
 * except under CI (process.env.CI), where it fails.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { postgresAvailable, startThrowawayPostgres, type ThrowawayPostgres } from './postgres.ts';

/** What openDatabase takes to reach a fresh database of either kind. */
export type FreshDatabase = { databaseUrl: string } | { pgliteSnapshot: Blob };

export interface DatabaseSuite {
  kind: 'pglite' | 'postgres';
  /** A new, empty, unmigrated database. PostgreSQL: every openDatabase of this URL reaches the same one. */
  freshDatabase(): Promise<FreshDatabase>;
}

/** Making the PGlite snapshot or starting the cluster takes seconds, more on a busy machine. */
const WARM_UP_MS = 120_000;

let cluster: Promise<ThrowawayPostgres> | undefined;
let stopRegistered = false;

function sharedCluster(): Promise<ThrowawayPostgres> {
  cluster ??= startThrowawayPostgres();
  return cluster;
}

let snapshot: Promise<Blob> | undefined;

/** Where a snapshot of this PGlite version is kept between test files; undefined when unknown. */
function snapshotFile(): string | undefined {
  try {
    const manifest = join(process.cwd(), 'node_modules/@electric-sql/pglite/package.json');
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    return join(tmpdir(), `cipherscan-pglite-${version}.tar`);
  } catch {
    return undefined;
  }
}

async function makeSnapshot(): Promise<Blob> {
  const file = snapshotFile();
  if (file && existsSync(file)) return new Blob([readFileSync(file)]);
  const pg = await PGlite.create();
  const image = await pg.dumpDataDir('none');
  await pg.close();
  if (!file) return image;
  // Written aside and renamed: another test file may be reading or writing it now.
  const part = `${file}.${process.pid}.part`;
  writeFileSync(part, new Uint8Array(await image.arrayBuffer()));
  renameSync(part, file);
  return image;
}

function pgliteSnapshot(): Promise<Blob> {
  snapshot ??= makeSnapshot();
  return snapshot;
}

/**
 * Declares `describe(name [pglite])` and `describe(name [postgres])`, each running
 * `fn`. Call it at the top level of a test file.
 */
export function describeOnBothDatabases(name: string, fn: (suite: DatabaseSuite) => void): void {
  describe(`${name} [pglite]`, () => {
    // Warmed here, under a long timeout, so the suite's own hooks stay within vitest's 10 s default.
    beforeAll(() => pgliteSnapshot().then(() => {}), WARM_UP_MS);
    fn({ kind: 'pglite', freshDatabase: async () => ({ pgliteSnapshot: await pgliteSnapshot() }) });
  });

  if (!postgresAvailable()) {
    const why =
      'PostgreSQL is not installed or has no `postgres` user (run `bash scripts/ensure-postgres.sh` or set TEST_DATABASE_URL)';
    if (process.env.CI) {
      describe(`${name} [postgres]`, () => {
        it('needs PostgreSQL under CI', () => {
          throw new Error(why);
        });
      });
    } else {
      console.warn(`Skipping "${name}" on PostgreSQL: ${why}.`);
      describe.skip(`${name} [postgres] (skipped: ${why})`, () => fn(unreachable));
    }
    return;
  }
  if (!stopRegistered) {
    stopRegistered = true;
    afterAll(async () => {
      if (cluster) await (await cluster).stop();
      cluster = undefined;
    });
  }
  describe(`${name} [postgres]`, () => {
    beforeAll(() => sharedCluster().then(() => {}), WARM_UP_MS);
    fn({
      kind: 'postgres',
      freshDatabase: async () => ({ databaseUrl: await (await sharedCluster()).createDatabase() }),
    });
  });
}

const unreachable: DatabaseSuite = {
  kind: 'postgres',
  freshDatabase: () => Promise.reject(new Error('PostgreSQL is not available')),
};
