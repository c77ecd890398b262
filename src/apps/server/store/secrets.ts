/**
 * Server secrets (the session-JWT key): made once by whichever replica starts
 * first and then shared by all, so a token from one replica verifies on another.
 */
import type { Queryable } from '../db/index.ts';

/**
 * The secret called `name`; when there is none yet, `make()` is stored and
 * returned. Two replicas racing both get the one that won the insert.
 */
export async function getOrCreateSecret(q: Queryable, name: string, make: () => Uint8Array): Promise<Uint8Array> {
  const existing = await q.query<{ value: Uint8Array }>('SELECT value FROM server_secrets WHERE name = $1', [name]);
  if (existing.rows[0]) return new Uint8Array(existing.rows[0].value);
  await q.query('INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    name,
    make(),
  ]);
  const { rows } = await q.query<{ value: Uint8Array }>('SELECT value FROM server_secrets WHERE name = $1', [name]);
  return new Uint8Array(rows[0]!.value);
}
