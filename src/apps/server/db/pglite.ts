/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) in
 * `DATA/db`. PGlite is single-process — two processes writing one data directory
 * corrupt it — so opening takes `DATA/db.lock` and a second process gets a clear
 * DatabaseLockedError instead (docs/server.md: the CLI talks to a running server
 * through the admin socket).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './types.ts';

/** Another live process holds the data directory. */
export class DatabaseLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(
      `The database in ${lockFile.replace(/\/db\.lock$/, '')} is open in another process (pid ${pid}); ` +
        'stop that server or go through its admin socket.',
    );
    this.name = 'DatabaseLockedError';
  }
}

const INT8 = 20;
// int8 (counts, audit seq) as numbers on both databases; they stay far below 2^53.
const parsers = { [INT8]: (value: string) => Number(value) };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `dir/db.lock` (O_EXCL); a lock left by a dead process is taken over. */
function takeLock(lockFile: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      // The same process counts as a holder too: two PGlite instances on one directory also corrupt it.
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new DatabaseLockedError(lockFile, pid);
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not take ${lockFile}.`);
}

function wrap(pg: PGlite, release: () => void): Database {
  const asQueryable = (q: Pick<PGlite, 'query'>): Queryable => ({
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      const result = await q.query<T>(sql, params as unknown[]);
      return { rows: result.rows };
    },
  });
  const self = asQueryable(pg);
  return {
    kind: 'pglite',
    query: self.query,
    transaction: (fn) => pg.transaction((tx) => fn(asQueryable(tx))),
    close: async () => {
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
}

export interface PgliteOptions {
  /** The server's data directory: the database lives in `dataDir/db`. Absent: in memory. */
  dataDir?: string;
  /** A `dumpDataDir()` image to start an in-memory database from (tests: ~1 s instead of ~5 s). */
  snapshot?: Blob;
}

/** Opens (creating when new) the embedded database. */
export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  if (options.dataDir === undefined) {
    const pg = await PGlite.create({ parsers, loadDataDir: options.snapshot });
    return wrap(pg, () => {});
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const lockFile = join(options.dataDir, 'db.lock');
  takeLock(lockFile);
  const release = () => rmSync(lockFile, { force: true });
  try {
    const pg = await PGlite.create({ dataDir: join(options.dataDir, 'db'), parsers });
    return wrap(pg, release);
  } catch (error) {
    release();
    throw error;
  }
}
