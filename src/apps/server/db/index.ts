/** The server's database: open it, run its migrations, and the types the store is written against. */
export { openDatabase, type OpenDatabaseOptions } from './open.ts';
export { runMigrations, migrations, type Migration } from './migrations.ts';
export { DatabaseLockedError } from './pglite.ts';
export { inTransaction, isDatabase, type Database, type Queryable } from './types.ts';
