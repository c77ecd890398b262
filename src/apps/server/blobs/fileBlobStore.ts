/**
 * Blobs as files: `dir/ab/<sha256>`. A put writes a temp file in `dir/tmp` (same
 * file system, so the rename is atomic), fsyncs it, renames it into place and
 * fsyncs the directory, so after a crash a blob is either whole under its name or
 * absent; a leftover temp file is never visible and is removed by collectOrphans.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobCorruptError, ORPHAN_GRACE_MS, checkSha256, sha256Hex, type BlobStore } from './types.ts';

export interface FileBlobStoreOptions {
  /** The blob directory (the server uses DATA/blobs). */
  dir: string;
  /** fsync file and directory (default true). Off only for measurements and throwaway data. */
  fsync?: boolean;
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function fileBlobStore(options: FileBlobStoreOptions): BlobStore {
  const durable = options.fsync ?? true;
  const tmpDir = join(options.dir, 'tmp');
  const pathOf = (sha: string) => join(options.dir, sha.slice(0, 2), sha);
  let ready: Promise<void> | undefined;
  const ensureTmp = () => (ready ??= mkdir(tmpDir, { recursive: true, mode: 0o700 }).then(() => {}));

  const exists = async (path: string) =>
    stat(path).then(
      () => true,
      () => false,
    );

  return {
    async put(bytes, knownSha256) {
      const sha = knownSha256 === undefined ? sha256Hex(bytes) : checkSha256(knownSha256);
      const target = pathOf(sha);
      if (await exists(target)) {
        // Fresh again: an old orphan about to be named by a new study must outlive the grace period.
        const now = new Date();
        await utimes(target, now, now).catch(() => {});
        return sha;
      }
      await ensureTmp();
      const temp = join(tmpDir, `${sha}.${randomBytes(6).toString('hex')}`);
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        if (durable) await handle.sync();
      } catch (error) {
        await handle.close();
        await rm(temp, { force: true });
        throw error;
      }
      await handle.close();
      const shard = join(options.dir, sha.slice(0, 2));
      await mkdir(shard, { recursive: true, mode: 0o700 });
      // Same bytes under the same name: a concurrent put of them is harmless.
      await rename(temp, target);
      if (durable) {
        await fsyncDir(shard);
        await fsyncDir(options.dir); // the shard's own entry, when it was just made
      }
      return sha;
    },

    async get(sha) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(pathOf(checkSha256(sha))));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      if (sha256Hex(bytes) !== sha) throw new BlobCorruptError(sha);
      return bytes;
    },

    has: (sha) => exists(pathOf(checkSha256(sha))),

    async collectOrphans(knownShas, { graceMs = ORPHAN_GRACE_MS } = {}) {
      const cutoff = Date.now() - graceMs;
      const removed: string[] = [];
      const shards = await readdir(options.dir).catch(() => [] as string[]);
      for (const shard of shards) {
        if (!/^[0-9a-f]{2}$/.test(shard)) continue;
        for (const name of await readdir(join(options.dir, shard))) {
          if (knownShas.has(name)) continue;
          const info = await stat(join(options.dir, shard, name)).catch(() => undefined);
          if (!info || info.mtimeMs > cutoff) continue;
          await rm(join(options.dir, shard, name), { force: true });
          removed.push(name);
        }
      }
      // Temp files of puts that never finished (a crash). Young ones may belong to a put in flight.
      for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
        const path = join(tmpDir, name);
        const info = await stat(path).catch(() => undefined);
        if (info && info.mtimeMs <= cutoff) await rm(path, { force: true });
      }
      return removed;
    },
  };
}
