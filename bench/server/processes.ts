/**
 * The bare-Fastify ceiling (bareServer.ts) as a child process, like the real server
 * entry (src/testing/serverProcess.ts): the load generator (this process)
 * and the server under test never share an event loop — though on a small machine
 * they still share its cores.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildServer {
  /** as the child printed it */
  url: string;
  /** http://127.0.0.1:PORT, for autocannon */
  loopbackUrl: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function startChild(entry: string, env: Record<string, string>): Promise<ChildServer> {
  const script = fileURLToPath(new URL(entry, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not start:\n${out}`));
    }, 60_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (${code}):\n${out}`));
    };
    child.once('exit', onExit);
    child.stdout!.on('data', function onData() {
      const found = /listening on (http:\/\/[^\s:]+:(\d+))/.exec(out);
      if (!found) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', onData);
      resolve({
        url: found[1],
        loopbackUrl: `http://127.0.0.1:${found[2]}`,
        pid: child.pid!,
        output: () => out,
        stop: () => stopChild(child),
      });
    });
  });
}

export function startBareServer(): Promise<ChildServer> {
  return startChild('./bareServer.ts', {});
}
