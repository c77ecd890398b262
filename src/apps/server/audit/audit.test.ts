/** The audit chain on both databases: append, list, verify, and the three tamperings by raw SQL. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeOnBothDatabases } from '../../../testing/databases.ts';
import { openDatabase, type Database } from '../db/index.ts';
import { GENESIS_HASH, appendAudit, auditHash, canonicalJson, listAudit, verifyAuditChain } from './index.ts';

describe('canonical JSON', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: null, e: 'x' }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"e":"x","f":null}]},"b":1}',
    );
  });
});

describeOnBothDatabases('audit log', (suite) => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase(await suite.freshDatabase());
  }, 60_000);
  afterAll(() => db?.close());
  beforeEach(async () => {
    for (let i = 1; i <= 5; i++) {
      await appendAudit(db, {
        actor: i % 2 ? 'alice' : 'bob',
        action: 'read',
        resource: `Study::"2.25.${i % 3}"`,
        decision: i === 4 ? 'deny' : 'allow',
        reason: i === 4 ? 'no-grant' : null,
      });
    }
  });
  afterEach(async () => {
    await db.query('DELETE FROM audit_log');
  });

  it('chains entries from the genesis hash, and verifies an intact log', async () => {
    const entries = await listAudit(db);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    expect(entries[3]).toMatchObject({ decision: 'deny', reason: 'no-grant', actor: 'bob' });
    expect(auditHash(entries[2]!.prevHash, entries[2]!)).toBe(entries[2]!.hash);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 5, lastHash: entries[4]!.hash });
  });

  it('lists by resource and actor, in chain order, with paging', async () => {
    expect((await listAudit(db, { resource: 'Study::"2.25.1"' })).map((e) => e.seq)).toEqual([1, 4]);
    expect((await listAudit(db, { actor: 'bob' })).map((e) => e.seq)).toEqual([2, 4]);
    expect((await listAudit(db, { afterSeq: 2, limit: 2 })).map((e) => e.seq)).toEqual([3, 4]);
  });

  it('appends in the caller’s transaction, and not at all when it rolls back', async () => {
    await expect(
      db.transaction(async (tx) => {
        await appendAudit(tx, { actor: 'alice', action: 'share', resource: 'x', decision: 'allow' });
        throw new Error('share failed');
      }),
    ).rejects.toThrow('share failed');
    const entry = await db.transaction((tx) =>
      appendAudit(tx, { actor: 'alice', action: 'share', resource: 'x', decision: 'allow' }),
    );
    expect(entry.seq).toBe(6);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('keeps one chain when many append at once', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        appendAudit(db, { actor: `a${i}`, action: 'list', resource: 'Server', decision: 'allow' }),
      ),
    );
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 13 });
  });

  it('finds an edited entry', async () => {
    await db.query("UPDATE audit_log SET decision = 'allow', reason = NULL WHERE seq = 4");
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      entries: 5,
      firstBad: { seq: 4, problem: 'edited' },
    });
  });

  it('finds a removed entry', async () => {
    await db.query('DELETE FROM audit_log WHERE seq = 3');
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      entries: 4,
      firstBad: { seq: 3, problem: 'removed' },
    });
  });

  it('finds reordered entries', async () => {
    await db.query('UPDATE audit_log SET seq = -1 WHERE seq = 2');
    await db.query('UPDATE audit_log SET seq = 2 WHERE seq = 3');
    await db.query('UPDATE audit_log SET seq = 3 WHERE seq = -1');
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBad: { seq: 2, problem: 'reordered' } });
  });

  it('finds an entry rewritten with a fresh hash at the next link', async () => {
    const [entry] = await listAudit(db, { afterSeq: 1, limit: 1 });
    const forged = { ...entry!, decision: 'deny' as const };
    await db.query("UPDATE audit_log SET decision = 'deny', hash = $1 WHERE seq = 2", [
      auditHash(forged.prevHash, forged),
    ]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBad: { seq: 3, problem: 'broken-link' } });
  });
});
