/**
 * The entry as an operator runs it (a child process, PGlite in a temporary data
 * directory, 127.0.0.1 and a free port): `serve` prints exactly one line with a
 * localhost URL, `invite` and `audit-verify` go through the admin socket while it
 * runs and open the database once it has stopped, SIGTERM ends it with 0 and releases
 * the database, and bad usage is exit 2.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
const data = mkdtempSync(join(tmpdir(), 'cipherscan-entry-'));
afterAll(() => rmSync(data, { recursive: true, force: true }));

function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...argv], {
      env: { ...process.env, DATABASE_URL: '' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

it('serve prints one localhost line, invite and audit-verify work through the socket and offline, SIGTERM is clean', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', '--data', data, '--port', '0'], {
    env: { ...process.env, DATABASE_URL: '' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve printed nothing')), 90_000);
    child.stdout.on('data', () => {
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  expect(out).toMatch(/^CipherScan server listening on http:\/\/localhost:\d+\n$/);
  const url = /http:\/\/localhost:\d+/.exec(out)![0];
  expect((await fetch(`${url}/api/me`)).status).toBe(401);

  const online = await run(['invite', '--data', data, '--name', 'alice', '--role', 'clinician']);
  expect(online.code, online.err).toBe(0);
  expect(online.out.trim()).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
  const taken = await run(['invite', '--data', data, '--name', 'Alice!', '--role', 'clinician']);
  expect(taken.code).toBe(1);
  const verified = await run(['audit-verify', '--data', data]);
  expect(verified.code).toBe(0);
  expect(verified.out).toMatch(/^audit log intact: 1 entries/);

  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const offline = await run(['invite', '--data', data, '--name', 'bob', '--role', 'auditor']);
  expect(offline.code, offline.err).toBe(0);
  const offlineVerify = await run(['audit-verify', '--data', data]);
  expect(offlineVerify.out).toMatch(/^audit log intact: 2 entries/);
  expect((await run(['serve'])).code).toBe(2);
  expect((await run(['frobnicate', '--data', data])).code).toBe(2);
  expect((await run(['account-disable', '--data', data])).code).toBe(2); // no --name
  const unknown = await run(['account-disable', '--data', data, '--name', 'nobody']);
  expect(unknown.code).toBe(1);
  expect(unknown.err).toBe('there is no account named nobody\n');
}, 240_000);
