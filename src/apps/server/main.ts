/**
 * The server's entry, run as `node --import tsx src/apps/server/main.ts <subcommand>`
 * (the CLI spawns it: one app may not import another, docs/ARCHITECTURE.md):
 *
 *   serve --data DIR [--port P] [--host 127.0.0.1] [--static DIR] [--origin URL]
 *         [--blobs file|database] [--max-upload-bytes N]
 *         [--rate-limit-auth N] [--rate-limit-account N] [--rate-limit-api N] [--log]
 *   invite --data DIR --name N --role R [--site S]     prints the code (last word on stdout)
 *   account-disable --data DIR --name N                the account loses every right at once (kept, audited)
 *   audit-verify --data DIR [--anchor FILE]            one line; exit 0 only when intact (and, with an
 *                                                      anchor, still holding the head it saved last time)
 *
 * The database is PGlite in DIR/db, or PostgreSQL when DATABASE_URL is set; package
 * blobs are files in DIR/blobs (or rows, `--blobs database`, for replicas sharing no
 * disk). `serve` listens on 127.0.0.1 unless told otherwise and prints exactly one line,
 * `CipherScan server listening on http://localhost:PORT` (localhost, not the IP: WebAuthn
 * refuses IP addresses), then runs the admin socket DIR/admin.sock until SIGTERM/SIGINT.
 */
import type { FastifyInstance } from 'fastify';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { callAdminSocket } from '../../platform/node/adminSocket';
import { startAdminSocket } from './admin/adminSocket';
import {
  AdminError,
  auditSummary,
  auditVerification,
  checkAgainstAnchor,
  disableAccount,
  makeInvitation,
  type AuditAnchor,
  type AuditVerificationAnswer,
} from './admin/operations';
import { buildServer } from './app';
import { startOrphanSweeps } from './maintenance';
import { openBlobStore } from './blobs';
import { openDatabase, type Database } from './db';
import { createAuthorizer } from './policy/authorizer';

const OPTIONS = {
  data: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  static: { type: 'string' },
  origin: { type: 'string' },
  blobs: { type: 'string' },
  'max-upload-bytes': { type: 'string' },
  'rate-limit-auth': { type: 'string' },
  'rate-limit-account': { type: 'string' },
  'rate-limit-api': { type: 'string' },
  log: { type: 'boolean' },
  name: { type: 'string' },
  role: { type: 'string' },
  site: { type: 'string' },
  anchor: { type: 'string' },
} as const;

class UsageError extends Error {}

type Options = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function required(values: Options, name: 'data' | 'name' | 'role'): string {
  const value = values[name];
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

function count(value: string | undefined, name: string, { allowZero = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < (allowZero ? 0 : 1)) throw new UsageError(`--${name} must be a whole number`);
  return n;
}

async function openData(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const databaseUrl = process.env.DATABASE_URL;
  return openDatabase(databaseUrl ? { databaseUrl } : { dataDir });
}

/**
 * One operator action, carried out where the data is: through the running server's admin
 * socket (PGlite is single-process: the server holds the database), or on the database
 * directly when no server runs. `fromSocket` reads the socket's answer (and refuses a bad one).
 */
async function asOperator<T>(
  dataDir: string,
  socket: { method: 'GET' | 'POST'; path: string; body?: unknown },
  fromSocket: (answer: { status: number; body: unknown }) => T,
  direct: (db: Database) => Promise<T>,
): Promise<T> {
  const viaSocket = await callAdminSocket(join(dataDir, 'admin.sock'), socket.method, socket.path, socket.body);
  if (viaSocket) return fromSocket(viaSocket);
  const db = await openData(dataDir);
  try {
    return await direct(db);
  } finally {
    await db.close();
  }
}

/** A free port on `host`, for `--port 0`: the origin (and so every signature's audience) needs the port up front. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function serve(values: Options): Promise<number> {
  const dataDir = required(values, 'data');
  const host = values.host ?? '127.0.0.1';
  let port = count(values.port, 'port', { allowZero: true }) ?? 8787;
  if (port === 0) port = await freePort(host);
  const blobKind = values.blobs ?? 'file';
  if (blobKind !== 'file' && blobKind !== 'database') throw new UsageError('--blobs is file or database');
  const db = await openData(dataDir);
  let app: FastifyInstance | undefined;
  let admin: FastifyInstance | undefined;
  let stopSweeps = () => {};
  try {
    const blobs =
      blobKind === 'file'
        ? openBlobStore({ kind: 'file', dir: join(dataDir, 'blobs') })
        : openBlobStore({ kind: 'database', db });
    app = await buildServer({
      db,
      blobs,
      authorizer: createAuthorizer(),
      config: {
        origin: values.origin ?? `http://localhost:${port}`,
        staticDir: values.static ? resolve(values.static) : undefined,
        maxUploadBytes: count(values['max-upload-bytes'], 'max-upload-bytes'),
        logger: values.log ?? false,
        rateLimit: {
          ...(values['rate-limit-auth'] ? { authPerIp: count(values['rate-limit-auth'], 'rate-limit-auth') } : {}),
          ...(values['rate-limit-account']
            ? { authPerAccount: count(values['rate-limit-account'], 'rate-limit-account') }
            : {}),
          ...(values['rate-limit-api'] ? { apiPerIp: count(values['rate-limit-api'], 'rate-limit-api') } : {}),
        },
      },
    });
    await app.listen({ host, port });
    admin = await startAdminSocket(db, join(dataDir, 'admin.sock'));
    stopSweeps = startOrphanSweeps(db, blobs);
  } catch (err) {
    await admin?.close().catch(() => {});
    await app?.close().catch(() => {});
    await db.close().catch(() => {});
    throw err;
  }
  process.stdout.write(`CipherScan server listening on http://localhost:${port}\n`);
  return new Promise<number>((resolve) => {
    let closing = false;
    const close = () => {
      if (closing) return;
      closing = true;
      stopSweeps();
      // Stop taking requests, let those in flight finish, then close the database (PGlite writes its files).
      void Promise.allSettled([app!.close(), admin!.close()])
        .then(() => db.close())
        .then(
          () => resolve(0),
          () => resolve(1),
        );
    };
    process.once('SIGTERM', close);
    process.once('SIGINT', close);
  });
}

async function invite(values: Options): Promise<number> {
  const dataDir = required(values, 'data');
  const request = {
    name: required(values, 'name'),
    role: required(values, 'role'),
    ...(values.site ? { site: values.site } : {}),
  };
  const code = await asOperator(
    dataDir,
    { method: 'POST', path: '/invitations', body: request },
    ({ status, body }) => {
      const answer = body as { code?: string; message?: string };
      if (status !== 200 || !answer.code) throw new AdminError(answer.message ?? 'the server refused the invitation');
      return answer.code;
    },
    async (db) => (await makeInvitation(db, request)).code,
  );
  process.stderr.write(`Invitation for ${request.name} (${request.role}), valid 7 days; give them this code:\n`);
  process.stdout.write(`${code}\n`);
  return 0;
}

async function accountDisable(values: Options): Promise<number> {
  const dataDir = required(values, 'data');
  const request = { name: required(values, 'name') };
  const previousRole = await asOperator(
    dataDir,
    { method: 'POST', path: '/accounts/disable', body: request },
    ({ status, body }) => {
      const answer = body as { previousRole?: string; message?: string };
      if (status !== 200 || !answer.previousRole)
        throw new AdminError(answer.message ?? 'the server refused to disable the account');
      return answer.previousRole;
    },
    async (db) => (await disableAccount(db, request)).previousRole,
  );
  process.stdout.write(
    `account ${request.name} disabled (was ${previousRole}): its sessions are refused from now on\n`,
  );
  return 0;
}

/** The anchor saved by the last intact `audit-verify --anchor FILE`, or null for a first run. */
function readAnchor(path: string | undefined): AuditAnchor | null {
  if (!path || !existsSync(path)) return null;
  const anchor = JSON.parse(readFileSync(path, 'utf8')) as Partial<AuditAnchor>;
  if (!Number.isSafeInteger(anchor.entries) || typeof anchor.lastHash !== 'string')
    throw new UsageError(`${path} is not an audit anchor saved by audit verify`);
  return anchor as AuditAnchor;
}

async function auditVerify(values: Options): Promise<number> {
  const dataDir = required(values, 'data');
  const anchor = readAnchor(values.anchor);
  const at = anchor && anchor.entries > 0 ? anchor.entries : undefined;
  let answer: AuditVerificationAnswer = await asOperator(
    dataDir,
    { method: 'GET', path: `/audit/verify${at ? `?at=${at}` : ''}` },
    ({ status, body }) => {
      if (status !== 200) throw new Error('the server could not verify the audit log');
      return body as AuditVerificationAnswer;
    },
    (db) => auditVerification(db, at),
  );
  if (anchor && at) answer = checkAgainstAnchor(answer, anchor);
  // Kept elsewhere (another machine, a notebook), the anchor shows a log cut short at its end,
  // which no chain can show by itself.
  if (values.anchor && answer.ok) {
    const next: AuditAnchor = {
      entries: answer.entries,
      lastHash: answer.lastHash,
      checkedAt: new Date().toISOString(),
    };
    writeFileSync(values.anchor, JSON.stringify(next, null, 2) + '\n');
  }
  process.stdout.write(`${auditSummary(answer)}\n`);
  return answer.ok ? 0 : 1;
}

const USAGE =
  'usage: main.ts serve|invite|account-disable|audit-verify --data DIR … (see the top of src/apps/server/main.ts)';

export async function main(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const [subcommand, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(USAGE);
    if (subcommand === 'serve') return await serve(values);
    if (subcommand === 'invite') return await invite(values);
    if (subcommand === 'account-disable') return await accountDisable(values);
    if (subcommand === 'audit-verify') return await auditVerify(values);
    throw new UsageError(USAGE);
  } catch (caught) {
    let err = caught;
    if (String((err as { code?: unknown })?.code).startsWith('ERR_PARSE_ARGS'))
      err = new UsageError((err as Error).message);
    const known =
      err instanceof UsageError || err instanceof AdminError || (err as Error)?.name === 'DatabaseLockedError';
    process.stderr.write(
      `${known ? (err as Error).message : `the server failed: ${(err as Error)?.message ?? err}`}\n`,
    );
    return err instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
