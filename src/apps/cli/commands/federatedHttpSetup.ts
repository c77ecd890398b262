/**
 * What `federated simulate --transport http` sets up around the hospital
 * processes (federatedHttp.ts): a server of its own on 127.0.0.1 (a free port, an
 * embedded PGlite data directory in a temp folder) unless `--server` names one,
 * one account per hospital (invited over the server's admin socket, redeemed here,
 * account files 0600), and the child processes (`federated hospital`), started
 * together: each prints `ready` once it has its key and features, and all get
 * their go at once, so the round deadlines measure the protocol, not start-up.
 *
 * A child, not an import, for the server: one app may not import another
 * (docs/ARCHITECTURE.md "Layers"), as serverProcess.ts does for `cipherscan server`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServerClient } from '../../../lib/serverClient';
import { exportAccountFile, generateAccountKeys } from '../../../lib/sharing';
import { callAdminSocket } from '../../../platform/node/adminSocket';
import { SERVER_ENTRY } from '../serverProcess';

const CLI_ENTRY = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface LocalServer {
  url: string;
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((done) => child.once('exit', () => done()));

/** `main.ts serve` on 127.0.0.1, a free port, PGlite under `dataDir`; resolves once it prints its URL. */
export function startLocalServer(dataDir: string, log: (line: string) => void): Promise<LocalServer> {
  const limits = ['--rate-limit-auth', '100000', '--rate-limit-account', '100000', '--rate-limit-api', '1000000'];
  const argv = ['--import', 'tsx', SERVER_ENTRY, 'serve', '--data', dataDir, '--port', '0', '--host', '127.0.0.1'];
  const child = spawn(process.execPath, [...argv, ...limits], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('did not print its URL within 120 s'), 120_000);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`the server ${why}:\n${out.slice(-2000)}`));
    };
    child.once('exit', (code) => fail(`exited (${code}) before listening`));
    child.stdout!.on('data', function onData() {
      const found = /listening on (https?:\/\/[^\s/]+:\d+)/.exec(out);
      if (!found) return;
      child.stdout!.off('data', onData);
      child.removeAllListeners('exit');
      clearTimeout(timer);
      log(`server: ${found[1]} (data in ${dataDir})`);
      resolve({
        url: found[1],
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited(child);
        },
      });
    });
  });
}

/** An invitation from the running server, asked over its admin socket as `main.ts invite` does. */
async function inviteCode(dataDir: string, name: string): Promise<string> {
  const answer = await callAdminSocket(join(dataDir, 'admin.sock'), 'POST', '/invitations', {
    name,
    role: 'clinician',
  });
  const body = answer?.body as { code?: string; message?: string } | undefined;
  if (!answer || answer.status !== 200 || !body?.code)
    throw new Error(
      `invite ${name} failed: ${answer ? (body?.message ?? `HTTP ${answer.status}`) : 'no admin socket'}`,
    );
  return body.code;
}

/** A clinician account per name, as `account create` makes one; the account files (0600) in `dir`. */
export async function makeAccounts(url: string, dataDir: string, dir: string, names: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const name of names) {
    const code = await inviteCode(dataDir, name);
    const keys = await generateAccountKeys({ extractable: true });
    const client = createServerClient({ baseUrl: url });
    const { account } = await client.redeemInvitation({ code, signJwk: keys.signJwk, wrapJwk: keys.wrapJwk });
    const file = join(dir, `${name}.json`);
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(await exportAccountFile({ server: client.baseUrl, account, keys }));
    } finally {
      await handle.close();
    }
    files.push(file);
  }
  return files;
}

export interface HospitalRun {
  seat: number;
  code: number;
  /** the child's report (its last stdout line), when it printed one */
  report?: Record<string, unknown>;
}

/**
 * Spawns `federated hospital` for every argv, waits until all print `ready`, starts
 * them together, and resolves with their reports once all have exited; also the
 * wall time from the go to the last exit.
 */
export async function runHospitals(
  argvs: string[][],
  log: (line: string) => void,
): Promise<{ runs: HospitalRun[]; wallMs: number }> {
  const children = argvs.map((argv) =>
    spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, 'federated', 'hospital', ...argv, '--wait-go', 'true'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  const outs = children.map(() => '');
  const ready = children.map(
    (child, seat) =>
      new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
          outs[seat] += d.toString();
          if (/^ready$/m.test(outs[seat])) resolve();
        });
        child.once('exit', (code) => reject(new Error(`hospital ${seat} exited (${code}) before it was ready`)));
      }),
  );
  children.forEach((child, seat) =>
    child.stderr!.on('data', (d: Buffer) =>
      d
        .toString()
        .split('\n')
        .filter(Boolean)
        .forEach((line) => log(`[hospital ${seat}] ${line}`)),
    ),
  );
  const done = children.map((child) => new Promise<number>((r) => child.once('exit', (code) => r(code ?? 1))));
  try {
    await Promise.all(ready);
  } catch (err) {
    children.forEach((c) => c.kill('SIGTERM'));
    await Promise.all(done);
    throw err;
  }
  const t0 = performance.now();
  children.forEach((child) => child.stdin!.end('go\n'));
  const codes = await Promise.all(done);
  const wallMs = performance.now() - t0;
  const runs = codes.map((code, seat) => {
    const last = outs[seat].trim().split('\n').pop() ?? '';
    let report: Record<string, unknown> | undefined;
    try {
      report = last.startsWith('{') ? (JSON.parse(last) as Record<string, unknown>) : undefined;
    } catch {
      report = undefined;
    }
    return { seat, code, report };
  });
  return { runs, wallMs };
}
