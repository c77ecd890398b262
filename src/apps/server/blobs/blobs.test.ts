/** Blob stores: content addressing, crash leftovers invisible, corruption refused, orphans collected. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnBothDatabases } from '../../../testing/databases.ts';
import { openDatabase, type Database } from '../db/index.ts';
import { BlobCorruptError, databaseBlobStore, fileBlobStore, type BlobStore } from './index.ts';

const bytesOf = (text: string) => new TextEncoder().encode(text);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What every BlobStore must do; `corrupt` damages a stored blob behind the store's back. */
function behavesAsBlobStore(store: () => BlobStore, corrupt: (sha: string) => Promise<void>) {
  it('names bytes by their SHA-256, stores them once and reads them back', async () => {
    const bytes = bytesOf('package one');
    const name = await store().put(bytes);
    expect(name).toBe(sha(bytes));
    expect(await store().put(bytes)).toBe(name);
    expect(await store().has(name)).toBe(true);
    expect(await store().get(name)).toEqual(bytes);
    expect(await store().get(sha(bytesOf('never stored')))).toBeNull();
    expect(await store().has(sha(bytesOf('never stored')))).toBe(false);
    await expect(store().get('../../etc/passwd')).rejects.toThrow(/SHA-256/);
  });

  it('refuses a corrupted blob on read', async () => {
    const name = await store().put(bytesOf('package two'));
    await corrupt(name);
    await expect(store().get(name)).rejects.toBeInstanceOf(BlobCorruptError);
  });

  it('takes a hash the caller computed already as the name, without hashing again; reads still check it', async () => {
    const bytes = bytesOf('package three');
    expect(await store().put(bytes, sha(bytes))).toBe(sha(bytes));
    expect(await store().get(sha(bytes))).toEqual(bytes);
    // a wrong hash is taken as given (proof it is not recomputed), and the read refuses the bytes
    const wrong = sha(bytesOf('something else'));
    expect(await store().put(bytesOf('package four'), wrong)).toBe(wrong);
    await expect(store().get(wrong)).rejects.toBeInstanceOf(BlobCorruptError);
    await expect(store().put(bytes, '../../etc/passwd')).rejects.toThrow(/SHA-256/);
  });

  it('collects blobs no study names, once they are past the grace period', async () => {
    const kept = await store().put(bytesOf('kept'));
    const orphan = await store().put(bytesOf('orphan'));
    expect(await store().collectOrphans(new Set([kept]))).toEqual([]);
    const removed = await store().collectOrphans(new Set([kept]), { graceMs: -1000 });
    expect(removed).toContain(orphan);
    expect(removed).not.toContain(kept);
    expect(await store().has(orphan)).toBe(false);
    expect(await store().has(kept)).toBe(true);
  });
}

describe('file blob store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cipherscan-blobs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const store = fileBlobStore({ dir });

  behavesAsBlobStore(
    () => store,
    async (name) => writeFileSync(join(dir, name.slice(0, 2), name), bytesOf('tampered')),
  );

  it('keeps a half-written temp file invisible and removes it later', async () => {
    const bytes = bytesOf('interrupted write');
    const name = sha(bytes);
    // What a crash between write and rename leaves behind.
    await mkdir(join(dir, 'tmp'), { recursive: true });
    const leftover = join(dir, 'tmp', `${name}.deadbeef0000`);
    writeFileSync(leftover, bytes.subarray(0, 5));
    expect(await store.has(name)).toBe(false);
    expect(await store.get(name)).toBeNull();
    utimesSync(leftover, new Date(0), new Date(0));
    await store.collectOrphans(new Set());
    expect(readdirSync(join(dir, 'tmp'))).not.toContain(`${name}.deadbeef0000`);
    // The real put still works, and leaves no temp file of its own.
    expect(await store.put(bytes)).toBe(name);
    expect(await store.get(name)).toEqual(bytes);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(readdirSync(join(dir, name.slice(0, 2)))).toContain(name);
  });
});

describeOnBothDatabases('database blob store', (suite) => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase(await suite.freshDatabase());
  }, 60_000);
  afterAll(() => db?.close());

  behavesAsBlobStore(
    () => databaseBlobStore(db),
    async (name) => {
      await db.query("UPDATE blobs SET bytes = '\\x00' WHERE sha256 = $1", [name]);
    },
  );
});
