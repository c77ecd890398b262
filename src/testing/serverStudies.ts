/**
 * Accounts and studies for the fault tests and the server benchmark, made the way
 * a client makes them: an invitation from the entry (`main.ts invite`), keys made
 * here and registered with the server, a signed-in session, and bundles sealed
 * with `sealForUpload` — each with its own study UID, content key and signature,
 * because a study uploads once.
 *
 * The package inside each bundle is random bytes of the asked size: the server
 * sees a CSPK package only as AES-GCM ciphertext and checks its hash and size,
 * so random bytes cost it exactly what a real package does, without spending
 * seconds on JPEG 2000 before a benchmark. Test support, never product code.
 */
import { sha256Hex } from '../lib/bytes/bytes';
import {
  type AccountKeys,
  type RecordHeader,
  generateAccountKeys,
  openDownloadedBundle,
  sealForUpload,
} from '../lib/sharing';
import { type Account, type ServerClient, createServerClient, encodeStowBody } from '../lib/serverClient';
import { runServerEntry } from './serverProcess';

export interface Clinician {
  account: Account;
  keys: AccountKeys;
  client: ServerClient;
  token: string;
}

export interface InviteTarget {
  dataDir: string;
  databaseUrl?: string;
}

/** `main.ts invite`: through the running server's admin socket (or the database when none runs). */
export async function inviteCode(target: InviteTarget, name: string, role = 'clinician'): Promise<string> {
  const argv = ['--data', target.dataDir, '--name', name, '--role', role];
  const ran = await runServerEntry('invite', argv, { databaseUrl: target.databaseUrl });
  const code = ran.stdout.trim().split(/\s+/).pop();
  if (ran.code !== 0 || !code) throw new Error(`invite failed (${ran.code}): ${ran.stderr.trim()}`);
  return code;
}

/** An account registered with the server at `url` and signed in (its token kept in the client). */
export async function signedInAccount(url: string, code: string, name: string): Promise<Clinician> {
  const keys = await generateAccountKeys({ extractable: false });
  const client = createServerClient({ baseUrl: url });
  const { account } = await client.redeemInvitation({ code, signJwk: keys.signJwk, wrapJwk: keys.wrapJwk });
  const session = await client.signIn(name, keys.sign.privateKey);
  return { account, keys, client, token: session.token };
}

/** The same account, signed in anew at `url` (after a restart, or on another replica). */
export async function signInAgain(url: string, who: Pick<Clinician, 'account' | 'keys'>): Promise<Clinician> {
  const client = createServerClient({ baseUrl: url });
  const session = await client.signIn(who.account.name, who.keys.sign.privateKey);
  if (session.account.id !== who.account.id) throw new Error('signed in as another account');
  return { account: who.account, keys: who.keys, client, token: session.token };
}

export interface SealedStudy {
  study: string;
  packageSha256: string;
  /** the version-1 record header (to re-sign when sharing) */
  header: RecordHeader;
  /** the content key, only with `keepContentKeys` */
  contentKey?: Uint8Array;
  /** one bundle: what `client.upload` sends */
  bundle: Uint8Array;
  /** the same bundle as a one-part STOW-RS body, for load generators */
  stow: { contentType: string; body: Uint8Array<ArrayBuffer> };
}

/** Random bytes (getRandomValues takes at most 64 KiB a call). */
export function randomPackage(bytes: number): Uint8Array {
  const pkg = new Uint8Array(bytes);
  for (let at = 0; at < bytes; at += 65_536) crypto.getRandomValues(pkg.subarray(at, Math.min(bytes, at + 65_536)));
  return pkg;
}

/** `count` distinct studies owned by `owner`, sealed as version-1 bundles. */
export async function sealStudies(
  owner: Pick<Clinician, 'account' | 'keys'>,
  count: number,
  packageBytes = 100_000,
  options: { keepContentKeys?: boolean } = {},
): Promise<SealedStudy[]> {
  const studies: SealedStudy[] = [];
  for (let i = 0; i < count; i++) {
    const pkg = randomPackage(packageBytes);
    const sealed = await sealForUpload({
      packageFrom: async () => pkg,
      owner: { id: owner.account.id, signKey: owner.keys.sign.privateKey, wrapJwk: owner.keys.wrapJwk },
      modality: 'MR',
      frames: 1,
    });
    // Kept only when a test shares the study (it wraps the key for a reader); zeroed otherwise.
    if (!options.keepContentKeys) sealed.contentKey.fill(0);
    studies.push({
      study: sealed.study,
      packageSha256: sealed.header.packageSha256,
      header: sealed.header,
      contentKey: options.keepContentKeys ? sealed.contentKey : undefined,
      bundle: sealed.bundle,
      stow: encodeStowBody([sealed.bundle]),
    });
  }
  return studies;
}

/**
 * Retrieves a study as `reader` and checks it completely (signature, owner,
 * study, package hash and size, the reader's wrapped key): the package's SHA-256.
 */
export async function retrieveVerified(
  reader: Clinician,
  owner: Pick<Clinician, 'account' | 'keys'>,
  study: string,
): Promise<string> {
  const bytes = await reader.client.retrieve(study);
  const opened = await openDownloadedBundle(bytes, {
    me: { id: reader.account.id, wrapKey: reader.keys.wrap.privateKey },
    ownerSignJwk: owner.keys.signJwk,
    expectOwner: owner.account.id,
    expectStudy: study,
  });
  return sha256Hex(opened.pkg);
}
