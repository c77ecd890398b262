/**
 * The storage seam of the server: one small interface that PGlite (embedded, the
 * default) and PostgreSQL (through `pg`, for replicas) both implement, so the
 * store, blob and audit modules are written once (docs/server.md, Storage).
 */

/** Anything that runs one SQL statement: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one statement with `$1…` parameters; rows come back as plain objects. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: T[] }>;
}

/** What the server runs on. int8 columns come back as numbers, bytea as Uint8Array, timestamptz as Date. */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction (committed when it resolves, rolled back when it
   * throws). Inside, use only `tx`: on PGlite a query on the database itself waits
   * for the transaction to end, so it would never run.
   */
  transaction<R>(fn: (tx: Queryable) => Promise<R>): Promise<R>;
  /** Ends the connections (and on PGlite, writes and releases the data directory). */
  close(): Promise<void>;
}

/** True for a Database, false for a transaction handed out by one. */
export function isDatabase(q: Queryable): q is Database {
  return typeof (q as Partial<Database>).transaction === 'function';
}

/**
 * Runs `fn` atomically on `q`: in a new transaction when `q` is the database, in the
 * caller's transaction when it already is one (so routes can audit in the same
 * transaction as the change they audit).
 */
export function inTransaction<R>(q: Queryable, fn: (tx: Queryable) => Promise<R>): Promise<R> {
  return isDatabase(q) ? q.transaction(fn) : fn(q);
}
