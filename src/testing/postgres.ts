/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temp directory, start on
 * 127.0.0.1 with a free port (its Unix socket in the temp directory too), and a
 * DATABASE_URL back; stop() shuts it down and removes everything. With
 * TEST_DATABASE_URL set, that server is used instead and nothing is started.
 * PostgreSQL refuses to run as root, so as root the cluster belongs to the
 * `postgres` user (made by Debian's package; scripts/ensure-postgres.sh).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface ThrowawayPostgres {
  /** postgres://… of the `postgres` database (create your own with createDatabase). */
  url: string;
  /** Creates a fresh empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

/** The directory with initdb and pg_ctl, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(root, versions[0]!, 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const initdb = which.stdout.trim();
  return which.status === 0 && initdb ? initdb.replace(/\/initdb$/, '') : undefined;
}

/**
 * Whether startThrowawayPostgres can work here: a TEST_DATABASE_URL, or the
 * binaries (and, as root, a `postgres` user to run them as).
 */
export function postgresAvailable(): boolean {
  if (process.env.TEST_DATABASE_URL) return true;
  if (postgresBinDir() === undefined) return false;
  return userInfo().uid !== 0 || spawnSync('id', ['-u', 'postgres']).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

let databaseCounter = 0;

function withDatabases(url: string, stop: () => Promise<void>): ThrowawayPostgres {
  return {
    url,
    stop,
    async createDatabase(name) {
      const database = name ?? `t_${process.pid}_${Date.now().toString(36)}_${++databaseCounter}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      const target = new URL(url);
      target.pathname = `/${database}`;
      return target.toString();
    },
  };
}

/** Starts a cluster (about 1–3 s), or wraps TEST_DATABASE_URL. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) return withDatabases(given, async () => {});
  const bin = postgresBinDir();
  if (!bin)
    throw new Error('PostgreSQL is not installed: run `bash scripts/ensure-postgres.sh` or set TEST_DATABASE_URL.');

  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'cipherscan-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const pwent = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const group = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(pwent), Number(group));
    chmodSync(dir, 0o700);
  }
  // As root, run the binaries as `postgres`; PostgreSQL refuses root.
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) {
      throw new Error(
        `${command.split('/').pop()} failed (${result.status}): ${result.stderr || result.stdout}`.trim(),
      );
    }
  };
  const stop = async () => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already gone: nothing to stop.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // --no-sync: the cluster is thrown away; the server itself runs with fsync on.
    run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${dir}`,
      '-c fsync=on',
      '-c max_connections=60',
      '-c shared_buffers=16MB',
    ].join(' ');
    run(join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
    return withDatabases(`postgres://postgres@127.0.0.1:${port}/postgres`, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}
