/**
 * For the route tests only (never imported by the server): a server on a fresh
 * database and blob directory, accounts made the way a client makes them (keys on
 * the "device", an invitation redeemed, a signed challenge answered), and bundles made
 * with src/lib/sharing, all through `fastify.inject` (no socket). It takes the
 * database as an argument so the tests can run it on PGlite and on PostgreSQL.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAccountKeys, type AccountKeys } from '../../../lib/sharing/accountKeys';
import { sealForUpload, reshareRecord, type SealedUpload } from '../../../lib/sharing/sharedPackage';
import { wrapContentKey } from '../../../lib/sharing/contentKey';
import { decodeRecordUnverified } from '../../../lib/sharing/record';
import { signChallenge } from '../../../lib/serverClient/challenge';
import type { FetchLike } from '../../../lib/serverClient/client';
import { encodeStowBody } from '../../../lib/serverClient/multipart';
import { buildServer } from '../app';
import { newInvitationCode } from '../auth/invitations';
import { fileBlobStore, type BlobStore } from '../blobs';
import type { ServerConfigInput } from '../config';
import type { Database } from '../db';
import type { ServerDeps } from './context';
import { createAuthorizer } from '../policy/authorizer';
import { createInvitation, type InvitationRole } from '../store';

export const ORIGIN = 'http://localhost:4173';
/** A fresh database, migrated, on a machine shared with other test files: seconds, not milliseconds. */
export const HOOK_TIMEOUT_MS = 120_000;

export interface Harness {
  app: FastifyInstance;
  db: Database;
  blobDir: string;
  /** fetch over `app.inject`: a lib/serverClient client's real requests and parsers, no socket */
  fetch: FetchLike;
  close(): Promise<void>;
}

function fetchOverInject(app: FastifyInstance): FetchLike {
  return async (input, init) => {
    const url = new URL(input);
    const answer = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: init?.headers as Record<string, string>,
      payload: init?.body instanceof Uint8Array ? Buffer.from(init.body) : (init?.body as string | undefined),
    });
    // a Response with status 204 may not have a body, not even an empty one
    const empty = answer.statusCode === 204;
    return new Response(empty ? null : new Uint8Array(answer.rawPayload), {
      status: answer.statusCode,
      headers: answer.headers as Record<string, string>,
    });
  };
}

export async function startHarness(
  db: Database,
  config: Partial<ServerConfigInput> = {},
  extra: Pick<ServerDeps, 'federated'> & { wrapBlobs?: (store: BlobStore) => BlobStore } = {},
): Promise<Harness> {
  const blobDir = mkdtempSync(join(tmpdir(), 'cipherscan-blobs-'));
  const { wrapBlobs = (store) => store, ...deps } = extra;
  const app = await buildServer({
    ...deps,
    db,
    // wrapBlobs: a test may put faults in the blob store (a disk that fails mid-upload)
    blobs: wrapBlobs(fileBlobStore({ dir: blobDir, fsync: false })),
    authorizer: createAuthorizer(),
    config: {
      origin: ORIGIN,
      rateLimit: { authPerIp: 10_000, authPerAccount: 10_000, apiPerIp: 10_000 },
      ...config,
    },
  });
  await app.ready();
  return {
    app,
    db,
    blobDir,
    fetch: fetchOverInject(app),
    async close() {
      await app.close();
      await db.close();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

export interface User {
  id: string;
  name: string;
  keys: AccountKeys;
  token: string;
}

export async function invite(db: Database, name: string, role: InvitationRole = 'clinician'): Promise<string> {
  const { code, codeHash } = newInvitationCode();
  await createInvitation(db, { codeHash, name, role, expiresAt: new Date(Date.now() + 3_600_000) });
  return code;
}

export async function signIn(app: FastifyInstance, name: string, keys: AccountKeys): Promise<LightMyRequestResponse> {
  const challenge = (await app.inject({ method: 'POST', url: '/api/auth/challenge', payload: { name } })).json();
  const signature = await signChallenge(challenge.challenge, ORIGIN, keys.sign.privateKey);
  return app.inject({
    method: 'POST',
    url: '/api/auth/session',
    payload: { name, challenge: challenge.challenge, signature },
  });
}

/** An account as a client makes one: keys here, invitation redeemed, signed in. */
export async function newUser(h: Harness, name: string, role: InvitationRole = 'clinician'): Promise<User> {
  const keys = await generateAccountKeys({ extractable: false });
  const code = await invite(h.db, name, role);
  const redeemed = await h.app.inject({
    method: 'POST',
    url: '/api/auth/invitations/redeem',
    payload: { code, signJwk: keys.signJwk, wrapJwk: keys.wrapJwk },
  });
  if (redeemed.statusCode !== 201) throw new Error(`redeem failed: ${redeemed.body}`);
  const session = await signIn(h.app, name, keys);
  if (session.statusCode !== 200) throw new Error(`sign-in failed: ${session.body}`);
  return { id: redeemed.json().account.id, name, keys, token: session.json().token };
}

export const bearer = (user: { token: string }) => ({ authorization: `Bearer ${user.token}` });

/** The server as the lib/serverClient calls take it, signed in as `user`. */
export const signedIn = (user: { token: string }) => ({ baseUrl: ORIGIN, token: user.token });

export async function sealStudy(owner: User, packageBytes = 256): Promise<SealedUpload> {
  return sealForUpload({
    packageFrom: async () => new Uint8Array(randomBytes(packageBytes)),
    owner: { id: owner.id, signKey: owner.keys.sign.privateKey, wrapJwk: owner.keys.wrapJwk },
    modality: 'MR',
    frames: 1,
  });
}

export function stow(app: FastifyInstance, user: User, bundles: Uint8Array[]): Promise<LightMyRequestResponse> {
  const { contentType, body } = encodeStowBody(bundles);
  return app.inject({
    method: 'POST',
    url: '/api/dicomweb/studies',
    headers: { ...bearer(user), 'content-type': contentType },
    payload: Buffer.from(body),
  });
}

/** The owner's next record and the reader's wrapped key, as `share` sends them. */
export async function shareBody(
  owner: User,
  sealed: SealedUpload,
  currentRecord: string,
  readers: User[],
  newReader: User,
  purpose = 'second-opinion',
) {
  const { record } = await reshareRecord({
    header: decodeRecordUnverified(currentRecord),
    readers: readers.map((r) => r.id),
    signKey: owner.keys.sign.privateKey,
  });
  const wrappedKey = await wrapContentKey(sealed.contentKey, newReader.keys.wrapJwk, {
    study: sealed.study,
    owner: owner.id,
  });
  return { record, wrappedKey, purpose };
}

/** What "changes nothing" compares: every table's row count but the audit log's, and the blob files. */
export async function snapshot(h: Harness): Promise<Record<string, number | string[]>> {
  const counts: Record<string, number | string[]> = {};
  for (const table of ['accounts', 'invitations', 'passkeys', 'studies', 'wrapped_keys', 'grants', 'blobs']) {
    const { rows } = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = rows[0].n;
  }
  const { rows } = await h.db.query<{ v: number; r: string }>(
    'SELECT version AS v, record_jws AS r FROM studies ORDER BY uid',
  );
  counts.versions = rows.map((row) => `${row.v}:${row.r.slice(-16)}`);
  counts.blobFiles = listFiles(h.blobDir);
  return counts;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length))
    .sort();
}
