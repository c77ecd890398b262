/**
 * The real server entry (`src/apps/server/main.ts`) as a child process, for the
 * fault tests (crash, replicas) and the server benchmark: they must exercise what
 * an operator runs — the entry, its data directory, its database and blob files —
 * and a crash is only a crash when a whole process dies (SIGKILL, no cleanup).
 *
 * Listens on 127.0.0.1 and a free port only. The child's output is kept in memory
 * (the server never logs a token or a key; we print it only when it fails to start).
 * Test support (src/testing): never imported by product code; the CLI's tests use it too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SERVER_ENTRY = fileURLToPath(new URL('../apps/server/main.ts', import.meta.url));

export interface ServerProcessOptions {
  dataDir: string;
  /** `DATABASE_URL` for PostgreSQL; absent: PGlite in `dataDir/db` */
  databaseUrl?: string;
  /** further `serve` options, e.g. rate limits */
  args?: string[];
  /** more environment for the child */
  env?: Record<string, string>;
  /** Node options before the entry, e.g. `--cpu-prof` (the profiler) */
  nodeArgs?: string[];
  /** how long the entry may take to print its URL (tsx compiles on start) */
  startTimeoutMs?: number;
}

export interface ServerProcess {
  /** `http://localhost:PORT`: the origin the server signs challenges for */
  url: string;
  /** `http://127.0.0.1:PORT`: for load generators that do not resolve names */
  loopbackUrl: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** stdout and stderr so far */
  output(): string;
  /** SIGKILL: the crash under test (no handler runs, nothing is flushed) */
  crash(): Promise<void>;
  /** SIGTERM and wait: the clean stop */
  stop(): Promise<void>;
}

/** The child's environment: ours, minus a DATABASE_URL we did not ask for. */
function childEnv(options: ServerProcessOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  return env;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `main.ts serve` and resolves once it prints `listening on URL`. */
export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const argv = [...(options.nodeArgs ?? []), '--import', 'tsx', SERVER_ENTRY, 'serve'];
  argv.push('--data', options.dataDir, '--port', '0');
  argv.push('--host', '127.0.0.1', ...(options.args ?? []));
  const child = spawn(process.execPath, argv, {
    cwd: REPO_ROOT,
    env: childEnv(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const output = () => out;

  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`server entry ${why}:\n${out}`));
    };
    const timer = setTimeout(() => fail('did not print its URL in time'), options.startTimeoutMs ?? 60_000);
    const onExit = (code: number | null, signal: string | null) => fail(`exited (${code ?? signal}) before listening`);
    child.once('exit', onExit);
    child.once('error', (err) => fail(`could not start: ${err.message}`));
    child.stdout!.on('data', function onData() {
      const found = /listening on (https?:\/\/[^\s/]+:(\d+))/.exec(out);
      if (!found) return;
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      clearTimeout(timer);
      const port = Number(found[2]);
      resolve({
        url: found[1],
        loopbackUrl: `http://127.0.0.1:${port}`,
        port,
        pid: child.pid!,
        child,
        output,
        crash: async () => {
          child.kill('SIGKILL');
          await exited(child);
        },
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited(child);
        },
      });
    });
  });
}

export interface EntryRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs another subcommand of the entry (`invite`, `audit-verify`) to its end. */
export function runServerEntry(
  subcommand: string,
  argv: string[],
  options: Pick<ServerProcessOptions, 'databaseUrl' | 'env'> & { timeoutMs?: number } = {},
): Promise<EntryRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY, subcommand, ...argv], {
    cwd: REPO_ROOT,
    env: childEnv({ dataDir: '', ...options }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${subcommand} took longer than ${options.timeoutMs ?? 60_000} ms:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
