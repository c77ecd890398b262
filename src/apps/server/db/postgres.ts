/**
 * PostgreSQL through `pg`: what replicas share when one machine is not enough
 * (`DATABASE_URL`; DESIGN.md §8). One Pool per process; a transaction holds one
 * client from BEGIN to COMMIT.
 */
import pg from 'pg';
import type { Database, Queryable } from './types.ts';

const INT8 = 20;

/** int8 as a number, as on PGlite; everything else as pg parses it. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  databaseUrl: string;
  /** Most connections this process opens (default 10). */
  maxConnections?: number;
}

export function openPostgres(options: PostgresOptions): Database {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10, types });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const on = (client: pg.Pool | pg.PoolClient): Queryable => ({
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      const result = await client.query(sql, params as unknown[]);
      return { rows: result.rows as T[] };
    },
  });
  return {
    kind: 'postgres',
    query: on(pool).query,
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(on(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
