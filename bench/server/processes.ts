/**
 * Child processes of the server benchmark other than the real server entry
 * (that one is `startServerProcess` in src/apps/server/faults/serverProcess.ts):
 * the bare-Fastify ceiling. A child, so the load generator (this process) and the
 * server under test never share an event loop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BARE_ENTRY = fileURLToPath(new URL('./bareServer.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildServer {
  url: string;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export function startBareServer(): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', BARE_ENTRY], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bare server did not start:\n${out}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bare server exited (${code}):\n${out}`));
    });
    child.stdout!.on('data', () => {
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!found) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ url: found[1], stop: () => stopChild(child) });
    });
  });
}
