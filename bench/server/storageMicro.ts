/**
 * Storage micro-rows of the server benchmark: one blob put (100 KB, the file
 * store as the server runs it — temp file, fsync, rename, directory fsync — and
 * without the fsyncs, to price durability) and one audit append (on PGlite in a
 * data directory, and on the bench's PostgreSQL). Each in a temp directory or
 * database of its own, removed after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit } from '../../src/apps/server/audit';
import { fileBlobStore } from '../../src/apps/server/blobs';
import { openDatabase } from '../../src/apps/server/db';
import { randomPackage } from '../../src/testing/serverStudies';
import { type MicroResult, timeCalls } from './micro';

export async function storageRows(minMs: number, packageBytes: number, databaseUrl?: string): Promise<MicroResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cipherscan-bench-storage-'));
  try {
    // Distinct bytes per call: a put of bytes already stored is a no-op (content addressing).
    const packages = Array.from({ length: 64 }, () => randomPackage(packageBytes));
    const fresh = (i: number) => {
      const pkg = packages[((i % 64) + 64) % 64];
      new DataView(pkg.buffer).setFloat64(0, i + Math.random());
      return pkg;
    };
    const durable = fileBlobStore({ dir: join(dir, 'durable') });
    const loose = fileBlobStore({ dir: join(dir, 'loose'), fsync: false });
    const rows = [
      await timeCalls('blob put 100 KB (file, fsync + rename + dir fsync)', (i) => durable.put(fresh(i)), minMs),
      await timeCalls('blob put 100 KB (file, no fsync)', (i) => loose.put(fresh(i)), minMs),
    ];
    rows.push(...(await auditRows(join(dir, 'audit'), minMs, databaseUrl)));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One audit append (table lock, last entry, hash, insert, commit), on PGlite in a data directory and on PostgreSQL. */
async function auditRows(dir: string, minMs: number, databaseUrl?: string): Promise<MicroResult[]> {
  const rows: MicroResult[] = [];
  const targets: [string, { dataDir?: string; databaseUrl?: string }][] = [['PGlite, data dir', { dataDir: dir }]];
  if (databaseUrl) targets.push(['PostgreSQL, local', { databaseUrl }]);
  for (const [label, where] of targets) {
    const db = await openDatabase(where);
    try {
      const event = (i: number) => ({
        actor: 'acct-bench-1',
        action: 'upload',
        resource: `Study::2.25.${1000 + i}`,
        decision: 'allow' as const,
        reason: 'clinician-upload',
      });
      rows.push(await timeCalls(`audit append (${label})`, (i) => appendAudit(db, event(i)), minMs));
      if (label.startsWith('PostgreSQL'))
        rows.push(await concurrentAppends(label, minMs, (i) => appendAudit(db, event(i))));
    } finally {
      await db.close();
    }
  }
  return rows;
}

/**
 * Eight appenders at once, each one append after another: if the table lock held
 * to commit serialises them, the wall time per append stays what one appender
 * sees, however many there are (PostgreSQL only: PGlite runs one query at a time anyway).
 */
async function concurrentAppends(
  label: string,
  minMs: number,
  append: (i: number) => Promise<unknown>,
): Promise<MicroResult> {
  const appenders = 8;
  let calls = 0;
  const started = performance.now();
  const until = started + minMs;
  await Promise.all(
    Array.from({ length: appenders }, async () => {
      while (performance.now() < until) await append(calls++);
    }),
  );
  const ms = performance.now() - started;
  return {
    name: `audit append, ${appenders} at once (${label})`,
    calls,
    ms,
    usPerCall: (ms * 1000) / calls,
    note: 'wall time per append',
  };
}
