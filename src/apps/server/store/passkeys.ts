/** WebAuthn passkeys: the credential's public key and signature counter, per account. */
import type { Queryable } from '../db/index.ts';

export interface Passkey {
  credentialId: string;
  accountId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
}

interface PasskeyRow {
  credential_id: string;
  account_id: string;
  public_key: Uint8Array;
  counter: number;
  transports: string[];
}

const toPasskey = (row: PasskeyRow): Passkey => ({
  credentialId: row.credential_id,
  accountId: row.account_id,
  publicKey: new Uint8Array(row.public_key),
  counter: row.counter,
  transports: row.transports,
});

export async function addPasskey(q: Queryable, passkey: Passkey): Promise<void> {
  await q.query(
    `INSERT INTO passkeys (credential_id, account_id, public_key, counter, transports) VALUES ($1, $2, $3, $4, $5)`,
    [passkey.credentialId, passkey.accountId, passkey.publicKey, passkey.counter, JSON.stringify(passkey.transports)],
  );
}

export async function getPasskey(q: Queryable, credentialId: string): Promise<Passkey | null> {
  const { rows } = await q.query<PasskeyRow>('SELECT * FROM passkeys WHERE credential_id = $1', [credentialId]);
  return rows[0] ? toPasskey(rows[0]) : null;
}

export async function listPasskeys(q: Queryable, accountId: string): Promise<Passkey[]> {
  const { rows } = await q.query<PasskeyRow>('SELECT * FROM passkeys WHERE account_id = $1 ORDER BY created_at', [
    accountId,
  ]);
  return rows.map(toPasskey);
}

/**
 * Records the counter of a verified assertion. Compare-and-set on the old value, so
 * two concurrent logins with one credential cannot both pass: false means the
 * counter moved meanwhile (treat as a possible clone).
 */
export async function updatePasskeyCounter(
  q: Queryable,
  credentialId: string,
  expectedCounter: number,
  newCounter: number,
): Promise<boolean> {
  const { rows } = await q.query(
    'UPDATE passkeys SET counter = $3 WHERE credential_id = $1 AND counter = $2 RETURNING credential_id',
    [credentialId, expectedCounter, newCounter],
  );
  return rows.length === 1;
}
