/** Package blob stores: files under DATA/blobs (default) or bytea rows (replicas on PostgreSQL). */
import type { Queryable } from '../db/index.ts';
import { databaseBlobStore } from './databaseBlobStore.ts';
import { fileBlobStore } from './fileBlobStore.ts';
import type { BlobStore } from './types.ts';

export { BlobCorruptError, type BlobStore } from './types.ts';
export { fileBlobStore, type FileBlobStoreOptions } from './fileBlobStore.ts';
export { databaseBlobStore } from './databaseBlobStore.ts';

export type BlobStoreOptions = { kind: 'file'; dir: string; fsync?: boolean } | { kind: 'database'; db: Queryable };

/** The store the server was configured with. */
export function openBlobStore(options: BlobStoreOptions): BlobStore {
  return options.kind === 'file' ? fileBlobStore(options) : databaseBlobStore(options.db);
}
