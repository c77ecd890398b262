/** The database seam and its migrations, on PGlite and on a throwaway PostgreSQL. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeOnBothDatabases } from '../../../testing/databases.ts';
import { DatabaseLockedError, inTransaction, migrations, openDatabase, runMigrations } from './index.ts';

describeOnBothDatabases('database', (suite) => {
  it('runs every migration once, and nothing the second time', async () => {
    const db = await openDatabase({ ...(await suite.freshDatabase()), migrate: false });
    try {
      expect(await runMigrations(db)).toEqual(migrations.map((m) => m.version));
      expect(await runMigrations(db)).toEqual([]);
      const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
    } finally {
      await db.close();
    }
  });

  it('lets an account be disabled (migration 3) but never an invitation, and keeps refusing other roles', async () => {
    const db = await openDatabase(await suite.freshDatabase());
    try {
      const jwk = JSON.stringify({ kty: 'EC' });
      const insertAccount = (id: string, role: string) =>
        db.query(
          'INSERT INTO accounts (id, name, role, sign_jwk, wrap_jwk) VALUES ($1, $1, $2, $3::jsonb, $3::jsonb)',
          [id, role, jwk],
        );
      await insertAccount('bob', 'clinician');
      await db.query("UPDATE accounts SET role = 'disabled' WHERE id = 'bob'");
      await insertAccount('carol', 'disabled');
      await expect(insertAccount('dave', 'superuser')).rejects.toThrow();
      await expect(
        db.query("INSERT INTO invitations (code_hash, name, role, expires_at) VALUES ('h', 'erin', 'disabled', now())"),
      ).rejects.toThrow();
      // One CHECK on accounts.role: migration 1's inline one was dropped, not left beside the new one.
      const { rows } = await db.query<{ conname: string }>(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'accounts'::regclass AND contype = 'c'",
      );
      expect(rows.map((r) => r.conname)).toEqual(['accounts_role_check']);
    } finally {
      await db.close();
    }
  });

  it('rolls a transaction back when it throws, and joins an outer one', async () => {
    const db = await openDatabase(await suite.freshDatabase());
    try {
      await expect(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO server_secrets (name, value) VALUES ('a', '\\x01')");
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await db.transaction(async (tx) => {
        await inTransaction(tx, (inner) =>
          inner.query("INSERT INTO server_secrets (name, value) VALUES ('b', '\\x02')"),
        );
      });
      const { rows } = await db.query<{ name: string; n: number }>(
        'SELECT name, octet_length(value)::int8 AS n FROM server_secrets ORDER BY name',
      );
      expect(rows).toEqual([{ name: 'b', n: 1 }]);
    } finally {
      await db.close();
    }
  });

  if (suite.kind === 'postgres') {
    it('lets two processes migrate one PostgreSQL at once', async () => {
      const target = await suite.freshDatabase();
      const [a, b] = await Promise.all([
        openDatabase({ ...target, migrate: false }),
        openDatabase({ ...target, migrate: false }),
      ]);
      try {
        const [ranA, ranB] = await Promise.all([runMigrations(a), runMigrations(b)]);
        // One of them applied everything, the other nothing, and nothing failed.
        expect([...ranA, ...ranB].sort()).toEqual(migrations.map((m) => m.version).sort());
        expect(ranA.length === 0 || ranB.length === 0).toBe(true);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  }
});

describe('PGlite data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cipherscan-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its data across reopen and refuses a second opener with a clear error', async () => {
    const db = await openDatabase({ dataDir: dir });
    await db.query("INSERT INTO server_secrets (name, value) VALUES ('kept', '\\x2a')");
    await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DatabaseLockedError);
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/open in another process \(pid \d+\)/);
    // Another process is told the same, with this process's pid, and never touches the files.
    const opener = `import { openDatabase } from ${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)};
      openDatabase({ dataDir: process.env.DIR }).then(() => process.exit(3), (e) => { console.log(e.name, e.message); });`;
    const said = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', opener], {
      env: { ...process.env, DIR: dir },
      encoding: 'utf8',
    });
    expect(said).toContain(`DatabaseLockedError`);
    expect(said).toContain(`(pid ${process.pid})`);
    await db.close();

    // A lock left by a process that died is taken over.
    writeFileSync(join(dir, 'db.lock'), '999999999\n');
    const again = await openDatabase({ dataDir: dir });
    try {
      const { rows } = await again.query<{ name: string }>('SELECT name FROM server_secrets');
      expect(rows).toEqual([{ name: 'kept' }]);
    } finally {
      await again.close();
    }
  });
});
