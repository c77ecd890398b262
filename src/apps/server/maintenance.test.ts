// The orphan sweep removes old blobs no study names, and keeps named ones and young ones.
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileBlobStore } from './blobs';
import type { Queryable } from './db';
import { sweepOrphanBlobs } from './maintenance';

const dirs: string[] = [];
afterEach(async () => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

/** A database whose studies name exactly these packages. */
function studiesNaming(...shas: string[]): Queryable {
  return { query: async () => ({ rows: shas.map((package_sha256) => ({ package_sha256 })) }) } as Queryable;
}

describe('sweepOrphanBlobs', () => {
  it('removes an old blob no study names, keeps a named one and a young one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cs-sweep-'));
    dirs.push(dir);
    const blobs = fileBlobStore({ dir, fsync: false });
    const named = await blobs.put(new Uint8Array([1, 2, 3]));
    const orphan = await blobs.put(new Uint8Array([4, 5, 6]));
    const young = await blobs.put(new Uint8Array([7, 8, 9]));
    const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
    for (const sha of [named, orphan]) await utimes(join(dir, sha.slice(0, 2), sha), anHourAgo, anHourAgo);

    const removed = await sweepOrphanBlobs(studiesNaming(named), blobs);

    expect(removed).toEqual([orphan]);
    expect(await blobs.has(named)).toBe(true);
    expect(await blobs.has(young)).toBe(true);
    expect(await blobs.has(orphan)).toBe(false);
  });
});
