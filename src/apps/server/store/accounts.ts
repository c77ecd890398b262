/** Accounts: name, role, site and the two public JWKs (signing, key wrapping) made on the user's device. */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import { StoreError, isUniqueViolation } from './errors.ts';

/** 'disabled' is a state an operator puts an account in (admin/operations.ts disableAccount), never invited into. */
export type Role = 'clinician' | 'auditor' | 'admin' | 'disabled';

export interface Account {
  id: string;
  name: string;
  role: Role;
  site: string | null;
  signJwk: JsonWebKey;
  wrapJwk: JsonWebKey;
  createdAt: Date;
}

interface AccountRow {
  id: string;
  name: string;
  role: Role;
  site: string | null;
  sign_jwk: JsonWebKey;
  wrap_jwk: JsonWebKey;
  created_at: Date;
}

const toAccount = (row: AccountRow): Account => ({
  id: row.id,
  name: row.name,
  role: row.role,
  site: row.site,
  signJwk: row.sign_jwk,
  wrapJwk: row.wrap_jwk,
  createdAt: row.created_at,
});

export interface NewAccount {
  name: string;
  role: Role;
  site?: string | null;
  signJwk: JsonWebKey;
  wrapJwk: JsonWebKey;
}

/** Creates an account with a fresh random id; a taken name is a StoreError 'conflict'. */
export async function createAccount(q: Queryable, account: NewAccount): Promise<Account> {
  try {
    const { rows } = await q.query<AccountRow>(
      `INSERT INTO accounts (id, name, role, site, sign_jwk, wrap_jwk) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [
        randomUUID(),
        account.name,
        account.role,
        account.site ?? null,
        JSON.stringify(account.signJwk),
        JSON.stringify(account.wrapJwk),
      ],
    );
    return toAccount(rows[0]!);
  } catch (error) {
    if (isUniqueViolation(error)) throw new StoreError('conflict', `The name ${account.name} is taken.`);
    throw error;
  }
}

export async function getAccountById(q: Queryable, id: string): Promise<Account | null> {
  const { rows } = await q.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]);
  return rows[0] ? toAccount(rows[0]) : null;
}

export async function getAccountByName(q: Queryable, name: string): Promise<Account | null> {
  const { rows } = await q.query<AccountRow>('SELECT * FROM accounts WHERE name = $1', [name]);
  return rows[0] ? toAccount(rows[0]) : null;
}

/** The account, its row locked until the transaction ends (so two changes to it run one after the other). */
export async function lockAccountByName(q: Queryable, name: string): Promise<Account | null> {
  const { rows } = await q.query<AccountRow>('SELECT * FROM accounts WHERE name = $1 FOR UPDATE', [name]);
  return rows[0] ? toAccount(rows[0]) : null;
}

export async function setAccountRole(q: Queryable, id: string, role: Role): Promise<void> {
  await q.query('UPDATE accounts SET role = $2 WHERE id = $1', [id, role]);
}
