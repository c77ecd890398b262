/**
 * The one way the server opens its database: PostgreSQL when a DATABASE_URL is
 * given, PGlite in `DATA/db` otherwise; migrations run before it is handed out.
 */
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import { runMigrations } from './migrations.ts';
import type { Database } from './types.ts';

export interface OpenDatabaseOptions {
  /** The server's data directory (PGlite in `dataDir/db`, lock `dataDir/db.lock`). Ignored with databaseUrl. */
  dataDir?: string;
  /** `postgres://…`: use PostgreSQL (shared by replicas). */
  databaseUrl?: string;
  /** PGlite in memory, started from this `dumpDataDir()` image (tests). */
  pgliteSnapshot?: Blob;
  /** Run migrations (default true). */
  migrate?: boolean;
}

/** Neither dataDir nor databaseUrl: an in-memory PGlite (tests, throwaway tools). */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const db = options.databaseUrl
    ? openPostgres({ databaseUrl: options.databaseUrl })
    : await openPglite({ dataDir: options.dataDir, snapshot: options.pgliteSnapshot });
  if (options.migrate === false) return db;
  try {
    await runMigrations(db);
    return db;
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}
