/**
 * The one schema of the server, as numbered migrations run on PGlite and on
 * PostgreSQL alike (docs/server.md, Storage). Each migration runs once, recorded
 * in `schema_migrations`; all of them run in one transaction under a
 * transaction-scoped advisory lock, so two replicas starting at once on one
 * PostgreSQL apply them once: the second waits, then finds them done.
 * Never edit a shipped migration: add the next number.
 */
import type { Database } from './types.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** An arbitrary constant: the advisory lock key that serializes migrators. */
const MIGRATION_LOCK_KEY = 0x43_53_4d_49; // "CSMI"

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, auth, studies, sharing, audit',
    sql: `
      CREATE TABLE accounts (
        id text PRIMARY KEY,
        name text NOT NULL UNIQUE,
        role text NOT NULL CHECK (role IN ('clinician', 'auditor', 'admin')),
        site text,
        sign_jwk jsonb NOT NULL,
        wrap_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE invitations (
        code_hash text PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('clinician', 'auditor', 'admin')),
        site text,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE passkeys (
        credential_id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        public_key bytea NOT NULL,
        counter bigint NOT NULL DEFAULT 0,
        transports jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX passkeys_account ON passkeys (account_id);
      CREATE TABLE challenges (
        challenge text PRIMARY KEY,
        kind text NOT NULL,
        subject text,
        expires_at timestamptz NOT NULL
      );
      CREATE TABLE server_secrets (
        name text PRIMARY KEY,
        value bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE studies (
        uid text PRIMARY KEY,
        owner_id text NOT NULL REFERENCES accounts (id),
        modality text NOT NULL,
        frames integer NOT NULL CHECK (frames >= 0),
        package_bytes bigint NOT NULL CHECK (package_bytes >= 0),
        package_sha256 text NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        record_jws text NOT NULL,
        consent text NOT NULL DEFAULT 'given' CHECK (consent IN ('given', 'withdrawn')),
        uploaded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX studies_owner ON studies (owner_id, uploaded_at);
      CREATE TABLE wrapped_keys (
        study_uid text NOT NULL REFERENCES studies (uid) ON DELETE CASCADE,
        reader_id text NOT NULL REFERENCES accounts (id),
        jwe text NOT NULL,
        PRIMARY KEY (study_uid, reader_id)
      );
      CREATE INDEX wrapped_keys_reader ON wrapped_keys (reader_id);
      CREATE TABLE grants (
        study_uid text NOT NULL REFERENCES studies (uid) ON DELETE CASCADE,
        reader_id text NOT NULL REFERENCES accounts (id),
        purpose text NOT NULL CHECK (purpose IN ('treatment', 'second-opinion', 'research')),
        until timestamptz,
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (study_uid, reader_id)
      );
      CREATE INDEX grants_reader ON grants (reader_id);
      CREATE TABLE audit_log (
        seq bigint PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        resource text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('allow', 'deny')),
        reason text,
        prev_hash text NOT NULL,
        hash text NOT NULL
      );
      CREATE INDEX audit_log_resource ON audit_log (resource, seq);
      CREATE INDEX audit_log_actor ON audit_log (actor, seq);
    `,
  },
  {
    version: 2,
    name: 'package blobs in the database (stateless replicas)',
    sql: `
      CREATE TABLE blobs (
        sha256 text PRIMARY KEY,
        bytes bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 3,
    name: 'accounts may be disabled (off-boarding)',
    // PostgreSQL names migration 1's inline CHECK accounts_role_check (PGlite is PostgreSQL and
    // names it alike). Invitations keep their CHECK: nobody is invited into 'disabled'.
    sql: `
      ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_role_check;
      ALTER TABLE accounts ADD CONSTRAINT accounts_role_check
        CHECK (role IN ('clinician', 'auditor', 'admin', 'disabled'));
    `,
  },
];

/**
 * Brings the schema up to date; returns the versions it applied (none when it was
 * current). Safe to run on every start, by any number of processes at once.
 */
export async function runMigrations(db: Database, set: readonly Migration[] = migrations): Promise<number[]> {
  return db.transaction(async (tx) => {
    // First, before even looking: a second migrator waits here until the first commits.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const done = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(done.rows.map((row) => row.version));
    const ran: number[] = [];
    for (const migration of [...set].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      ran.push(migration.version);
    }
    return ran;
  });
}

/** One statement per query: parameterless multi-statement text is not portable across both drivers. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
