/**
 * Background upkeep of a running server. Package bytes are written before their study
 * row commits (docs/server.md, Storage), so a crash or a refused upload can leave a blob
 * that no row names: invisible, but taking space. The sweep removes those, and only
 * those older than the blob store's grace period, so an upload whose row is about to
 * commit keeps its bytes.
 */
import type { BlobStore } from './blobs';
import type { Queryable } from './db';
import { listPackageShas } from './store';

const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** One sweep: the names of the blobs removed. */
export async function sweepOrphanBlobs(db: Queryable, blobs: BlobStore): Promise<string[]> {
  return blobs.collectOrphans(await listPackageShas(db));
}

/** Sweeps now and every hour until stopped; a failed sweep is reported and retried next time. */
export function startOrphanSweeps(
  db: Queryable,
  blobs: BlobStore,
  report: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
): () => void {
  const sweep = () =>
    sweepOrphanBlobs(db, blobs).then(
      (removed) => {
        if (removed.length > 0) report(`removed ${removed.length} stored package(s) that no scan refers to`);
      },
      (err: unknown) => report(`orphan sweep failed: ${(err as Error)?.message ?? err}`),
    );
  void sweep();
  const timer = setInterval(() => void sweep(), SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
