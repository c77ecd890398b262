/**
 * The full server for the benchmark's load rows, as its own process: `buildServer`
 * (src/apps/server/app.ts) with what the entry gives it by default — the database
 * in DATA/db (PGlite) or DATABASE_URL (PostgreSQL), package files in DATA/blobs
 * with fsync, the Cedar authorizer — and one difference: the per-IP API rate limit
 * is raised, since one load generator on 127.0.0.1 is what is measured, not refused.
 * It also makes one clinician invitation and prints its code (the entry's `invite`
 * does the same through the admin socket).
 *
 *   BENCH_DATA_DIR=DIR [DATABASE_URL=postgres://…] node --import tsx bench/server/fullServer.ts
 *   → "invitation <code>" then "full server listening on http://localhost:PORT"
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildServer } from '../../src/apps/server/app';
import { newInvitationCode } from '../../src/apps/server/auth/invitations';
import { openBlobStore } from '../../src/apps/server/blobs';
import { openDatabase } from '../../src/apps/server/db';
import { createAuthorizer } from '../../src/apps/server/policy/authorizer';
import { createInvitation } from '../../src/apps/server/store';

const NO_LIMIT = 1_000_000_000;

/** The origin must be known before listening (challenges are bound to it): take a free port first. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) throw new Error('BENCH_DATA_DIR is required');
const databaseUrl = process.env.DATABASE_URL || undefined;
const db = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir });
const port = await freePort();
const origin = `http://localhost:${port}`;
const app = await buildServer({
  db,
  blobs: openBlobStore({ kind: 'file', dir: join(dataDir, 'blobs') }),
  authorizer: createAuthorizer(),
  config: { origin, rateLimit: { apiPerIp: NO_LIMIT, authPerIp: NO_LIMIT, authPerAccount: NO_LIMIT } },
});
const { code, codeHash } = newInvitationCode();
await createInvitation(db, { codeHash, name: 'bench', role: 'clinician', expiresAt: new Date(Date.now() + 3_600_000) });
await app.listen({ host: '127.0.0.1', port });
console.log(`invitation ${code}`);
console.log(`full server listening on ${origin}`);

const stop = () =>
  void app
    .close()
    .then(() => db.close())
    .finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
