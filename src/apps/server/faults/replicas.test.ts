/**
 * Two replicas on one PostgreSQL (issue 16, DESIGN.md §8 scale-out): two server
 * processes with the same DATABASE_URL, each its own data directory (its own admin
 * socket), package bytes in the database (`bytea` blob store) so the processes share
 * no disk. A study uploaded through one is listed and retrieved byte-identical
 * through the other; a share made through the second lets the reader retrieve
 * through the first; uploads and reads land on both at the same moment, and the
 * audit log is still one intact chain holding entries written by both.
 *
 * Loopback only; skipped where PostgreSQL is not installed (scripts/ensure-postgres.sh).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reshareRecord, wrapContentKey } from '../../../lib/sharing';
import { postgresAvailable, startThrowawayPostgres, type ThrowawayPostgres } from '../../../testing/postgres';
import { type ServerProcess, runServerEntry, startServerProcess } from '../../../testing/serverProcess';
import {
  inviteCode,
  retrieveVerified,
  sealStudies,
  signInAgain,
  signedInAccount,
} from '../../../testing/serverStudies';

/** What makes a replica: package bytes in the shared database rather than on this host's disk. */
export const REPLICA_ARGS = ['--blobs', 'database'];

const dirs: string[] = [];
const running: ServerProcess[] = [];
let cluster: ThrowawayPostgres | undefined;

afterAll(async () => {
  for (const server of running) await server.stop().catch(() => {});
  await cluster?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function replica(databaseUrl: string): Promise<{ server: ServerProcess; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cipherscan-replica-'));
  dirs.push(dataDir);
  const server = await startServerProcess({ dataDir, databaseUrl, args: REPLICA_ARGS });
  running.push(server);
  return { server, dataDir };
}

describe.skipIf(!postgresAvailable())('two replicas on one PostgreSQL', () => {
  it('upload through one, list, retrieve and share through the other; one audit chain from both', async () => {
    cluster = await startThrowawayPostgres();
    const databaseUrl = await cluster.createDatabase();
    // Started together: migrations take an advisory lock, so neither trips over the other.
    const [a, b] = await Promise.all([replica(databaseUrl), replica(databaseUrl)]);
    expect(a.server.port).not.toBe(b.server.port);

    // Invitations through either replica's admin socket land in the one database.
    const aliceOnA = await signedInAccount(a.server.url, await inviteCode({ ...a, databaseUrl }, 'alice'), 'alice');
    const bobOnB = await signedInAccount(b.server.url, await inviteCode({ ...b, databaseUrl }, 'bob'), 'bob');
    const auditorCode = await inviteCode({ ...b, databaseUrl }, 'audrey', 'auditor');
    const auditorOnA = await signedInAccount(a.server.url, auditorCode, 'audrey');
    const aliceOnB = await signInAgain(b.server.url, aliceOnA);
    const bobOnA = await signInAgain(a.server.url, bobOnB);

    const aliceStudies = await sealStudies(aliceOnA, 6, 100_000, { keepContentKeys: true });
    const bobStudies = await sealStudies(bobOnB, 4);

    // At the same moment: alice uploads through A, bob through B, and alice lists through B.
    const [aliceUp, bobUp] = await Promise.all([
      Promise.all(aliceStudies.map((s) => aliceOnA.client.upload([s.bundle]))),
      Promise.all(bobStudies.map((s) => bobOnB.client.upload([s.bundle]))),
      Promise.all(Array.from({ length: 6 }, () => aliceOnB.client.search('mine'))),
    ]);
    for (const answer of [...aliceUp, ...bobUp]) expect(answer.failed).toEqual([]);

    // Listed and retrieved through the other replica, byte-identical packages.
    const listedOnB = new Set((await aliceOnB.client.search('mine')).map((s) => s.uid));
    expect([...listedOnB].sort()).toEqual(aliceStudies.map((s) => s.study).sort());
    for (const s of aliceStudies) expect(await retrieveVerified(aliceOnB, aliceOnA, s.study)).toBe(s.packageSha256);
    const listedOnA = new Set((await bobOnA.client.search('mine')).map((s) => s.uid));
    expect([...listedOnA].sort()).toEqual(bobStudies.map((s) => s.study).sort());

    // Shared through B (the directory gives bob's wrap key); bob retrieves through A.
    const shared = aliceStudies[0];
    const bobPublic = await aliceOnB.client.account('bob');
    const next = await reshareRecord({
      header: shared.header,
      readers: [bobOnB.account.id],
      signKey: aliceOnA.keys.sign.privateKey,
    });
    const wrappedKey = await wrapContentKey(shared.contentKey!, bobPublic.wrapJwk, {
      study: shared.study,
      owner: aliceOnA.account.id,
    });
    const answer = await aliceOnB.client.share(shared.study, 'bob', {
      record: next.record,
      wrappedKey,
      purpose: 'second-opinion',
    });
    expect(answer.version).toBe(2);
    expect((await bobOnA.client.search('shared')).map((s) => s.uid)).toEqual([shared.study]);
    expect(await retrieveVerified(bobOnA, aliceOnA, shared.study)).toBe(shared.packageSha256);
    for (const s of aliceStudies) s.contentKey?.fill(0);

    // One chain: every entry from both processes, in one sequence, verified whole.
    const entries = await auditorOnA.client.audit();
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const verification = await auditorOnA.client.auditVerify();
    expect(verification.ok).toBe(true);
    expect(verification.entries).toBeGreaterThanOrEqual(entries.length); // verifying is audited too
    const actions = (actor: string) => new Set(entries.filter((e) => e.actor === actor).map((e) => e.action));
    // uploads by alice went through A only, the share through B only; bob's uploads through B, his shared read through A
    expect([...actions(aliceOnA.account.id)]).toEqual(expect.arrayContaining(['upload', 'list', 'read', 'share']));
    expect([...actions(bobOnB.account.id)]).toEqual(expect.arrayContaining(['upload', 'list', 'read']));
    const viaEntry = await runServerEntry('audit-verify', ['--data', b.dataDir], { databaseUrl });
    expect(viaEntry.code, viaEntry.stdout + viaEntry.stderr).toBe(0);
  }, 90_000);
});
