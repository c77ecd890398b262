/**
 * Crash test (issue 16): the real server entry as a child process takes a batch of
 * uploads, several at a time, and is SIGKILLed in the middle — after some were
 * acknowledged, with others in flight. Restarted on the same data directory (and
 * database), it must list every acknowledged study and hand back its exact package
 * bytes; list nothing partial (every listed study retrieves and verifies: signature,
 * owner, study, package hash); and its audit chain must verify (`audit-verify`,
 * exit 0). Run on PGlite (`DATA/db`), and on a throwaway PostgreSQL when installed.
 *
 * Loopback only (127.0.0.1, a free port); bounded: 40 studies of 100 KB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startThrowawayPostgres, type ThrowawayPostgres } from '../../../testing/postgres';
import { type ServerProcess, runServerEntry, startServerProcess } from '../../../testing/serverProcess';
import {
  type Clinician,
  type SealedStudy,
  inviteCode,
  retrieveVerified,
  signInAgain,
  sealStudies,
  signedInAccount,
} from '../../../testing/serverStudies';

const STUDIES = 40;
const IN_FLIGHT = 4;
/** The kill comes when this many uploads are acknowledged (the rest are in flight or not sent). */
const KILL_AFTER = 12;
/**
 * About 15–25 s on a quiet two-core machine (two server starts through tsx, an
 * invitation, 40 uploads, an audit verify); the margin is for a busy one.
 */
const TIMEOUT_MS = 120_000;

const dirs: string[] = [];
const running: ServerProcess[] = [];
let cluster: ThrowawayPostgres | undefined;

afterAll(async () => {
  for (const server of running) await server.crash().catch(() => {});
  await cluster?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function started(dataDir: string, databaseUrl?: string): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir, databaseUrl });
  running.push(server);
  return server;
}

interface UploadOutcome {
  acknowledged: Set<string>;
  /** studies whose upload got no answer (the crash) */
  unanswered: Set<string>;
}

/**
 * Uploads `studies` with IN_FLIGHT workers; calls `onAck` after each acknowledged
 * upload. A worker stops at its first failure (the server is gone).
 */
async function uploadUntilCrash(owner: Clinician, studies: SealedStudy[], onAck: (n: number) => void) {
  const outcome: UploadOutcome = { acknowledged: new Set(), unanswered: new Set() };
  let next = 0;
  let serverGone = false;
  const worker = async () => {
    while (!serverGone && next < studies.length) {
      const study = studies[next++];
      try {
        const result = await owner.client.upload([study.bundle]);
        if (result.stored.some((s) => s.id === study.study)) {
          outcome.acknowledged.add(study.study);
          onAck(outcome.acknowledged.size);
        } else if (result.failed.length) {
          outcome.unanswered.add(study.study); // refused while the server was dying: not acknowledged
        }
      } catch {
        outcome.unanswered.add(study.study);
        serverGone = true;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return outcome;
}

async function crashAndRecover(databaseUrl?: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cipherscan-crash-'));
  dirs.push(dataDir);
  let server = await started(dataDir, databaseUrl);
  const owner = await signedInAccount(server.url, await inviteCode({ dataDir, databaseUrl }, 'alice'), 'alice');
  const studies = await sealStudies(owner, STUDIES);
  const byUid = new Map(studies.map((s) => [s.study, s]));

  let killing: Promise<void> | undefined;
  const outcome = await uploadUntilCrash(owner, studies, (acked) => {
    if (acked === KILL_AFTER) killing = server.crash();
  });
  await killing;
  expect(killing, 'the server was killed mid-batch').toBeDefined();
  expect(server.child.signalCode).toBe('SIGKILL');
  expect(outcome.acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);
  expect(outcome.acknowledged.size).toBeLessThan(STUDIES); // the kill came before the batch was done

  server = await started(dataDir, databaseUrl); // a new port: sign in again there
  const alice = await signInAgain(server.url, owner);
  const client = alice.client;
  const listed = new Set((await client.search('mine')).map((s) => s.uid));

  for (const uid of outcome.acknowledged) expect(listed.has(uid), `acknowledged ${uid} is listed`).toBe(true);
  for (const uid of listed) {
    const sealed = byUid.get(uid);
    expect(sealed, `listed ${uid} is one we sent`).toBeDefined();
    expect(await retrieveVerified(alice, alice, uid)).toBe(sealed!.packageSha256);
  }
  // Something was in flight when the server died, and what was not acknowledged is either whole or absent.
  expect(outcome.unanswered.size).toBeGreaterThan(0);

  // Through the running server's admin socket, as an operator would after the restart.
  const verify = await runServerEntry('audit-verify', ['--data', dataDir], { databaseUrl });
  expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  await server.stop();
  return { acknowledged: outcome.acknowledged.size, listed: listed.size };
}

describe('SIGKILL in the middle of an upload batch', () => {
  it(
    'PGlite: every acknowledged study survives whole, nothing partial is listed, the audit chain verifies',
    async () => {
      const { acknowledged, listed } = await crashAndRecover();
      expect(listed).toBeGreaterThanOrEqual(acknowledged);
    },
    TIMEOUT_MS,
  );

  it.skipIf(!postgresAvailable())(
    'PostgreSQL: the same',
    async () => {
      cluster = await startThrowawayPostgres();
      const { acknowledged, listed } = await crashAndRecover(await cluster.createDatabase());
      expect(listed).toBeGreaterThanOrEqual(acknowledged);
    },
    TIMEOUT_MS,
  );
});
