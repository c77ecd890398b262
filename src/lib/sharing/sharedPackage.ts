/**
 * The sharing use-cases the page and the CLI both call (docs/server.md): seal a
 * study for upload, re-sign its record when readers change, and open a
 * downloaded bundle. Here the pieces meet: a fresh content key per study, the
 * existing CSPK package made under it, the owner's signed record, and the
 * content key wrapped for each reader and bound to study and owner.
 *
 * Must never: return anything from a downloaded bundle that has not passed
 * every check (signature, owner, study, version, package hash and size, reader
 * list, key binding); or put the plain content key in a record, a bundle or a
 * JWE header. The package itself is then opened by `unpackImage`, which
 * authenticates every byte under the content key.
 */
import { sha256Hex, toHex } from '../bytes/bytes';
import { type CipherKey, keyFromBytes, randomBytes, wipeKey } from '../keys/key';
import type { PublicJwk } from './accountKeys';
import { BundleError, type BundleLimits, decodeBundle, encodeBundle } from './bundle';
import { newContentKey, unwrapContentKey, wrapContentKey } from './contentKey';
import { SharingRefusedError } from './errors';
import { type RecordHeader, isStudyUid, readersHash, signRecord, verifyRecord } from './record';

/**
 * A new pseudonymous study UID: `2.25.` + the decimal of a random UUID's 128
 * bits (a valid DICOM UID, ITU-T X.667; nothing in it comes from the scan).
 */
export function newStudyUid(): string {
  const bits = randomBytes(16);
  bits[6] = (bits[6] & 0x0f) | 0x40; // UUID version 4
  bits[8] = (bits[8] & 0x3f) | 0x80; // RFC 4122 variant
  return `2.25.${BigInt('0x' + toHex(bits)).toString(10)}`;
}

/** What `packageFrom` may answer when it learns modality or frame count only while packing. */
export interface PackagedStudy {
  pkg: Uint8Array;
  modality?: string;
  frames?: number;
}

export interface SealForUploadOptions {
  /** makes the CSPK package under the given key (packImage / packFile); may also say modality and frames */
  packageFrom: (contentKey: CipherKey) => Promise<Uint8Array | PackagedStudy>;
  owner: { id: string; signKey: CryptoKey; wrapJwk: PublicJwk };
  /** default: a new `newStudyUid()` */
  study?: string;
  /** DICOM modality code; when absent, the one `packageFrom` answers (else an error) */
  modality?: string;
  /** frame count; when absent, the one `packageFrom` answers (else an error) */
  frames?: number;
  now?: Date;
}

export interface SealedUpload {
  study: string;
  /** the content key's 32 bytes: keep in memory only (to wrap for readers); zero when done */
  contentKey: Uint8Array;
  /** the signed record, version 1, readers [owner] */
  record: string;
  header: RecordHeader;
  /** the owner's own wrapped copy of the content key */
  wrappedKey: string;
  /** the STOW-RS part: record + owner's wrapped key + package */
  bundle: Uint8Array;
}

/** Packs a study under a fresh content key and makes its version-1 record and upload bundle. */
export async function sealForUpload(options: SealForUploadOptions, limits: BundleLimits = {}): Promise<SealedUpload> {
  const study = options.study ?? newStudyUid();
  if (!isStudyUid(study)) throw new Error('a study UID must be 2.25.<decimal of 128 bits>');
  const contentKey = newContentKey();
  try {
    return await sealUnder(contentKey, study, options, limits);
  } catch (err) {
    contentKey.fill(0); // nothing was sealed: the key protects nothing and must not linger
    throw err;
  }
}

async function sealUnder(
  contentKey: Uint8Array,
  study: string,
  options: SealForUploadOptions,
  limits: BundleLimits,
): Promise<SealedUpload> {
  const { owner } = options;
  const cipherKey = await keyFromBytes(contentKey, 'random');
  let packaged: Uint8Array | PackagedStudy;
  try {
    packaged = await options.packageFrom(cipherKey);
  } finally {
    wipeKey(cipherKey); // the package is made; its key object must not outlive this call
  }
  const pkg = packaged instanceof Uint8Array ? packaged : packaged.pkg;
  const modality = options.modality ?? (packaged instanceof Uint8Array ? undefined : packaged.modality);
  const frames = options.frames ?? (packaged instanceof Uint8Array ? undefined : packaged.frames);
  if (modality === undefined || frames === undefined)
    throw new Error('sealForUpload needs the modality and frame count (as options or from packageFrom)');
  const header: RecordHeader = {
    study,
    version: 1,
    owner: owner.id,
    modality,
    frames,
    packageSha256: await sha256Hex(pkg),
    packageBytes: pkg.length,
    readersHash: await readersHash([owner.id]),
    issuedAt: (options.now ?? new Date()).toISOString(),
  };
  const record = await signRecord(header, owner.signKey);
  const wrappedKey = await wrapContentKey(contentKey, owner.wrapJwk, { study, owner: owner.id });
  const bundle = encodeBundle({ record, wrappedKey, pkg }, limits);
  return { study, contentKey, record, header, wrappedKey, bundle };
}

export interface ReshareOptions {
  /** the current (verified) record header */
  header: RecordHeader;
  /** every reader after the change; the owner is always counted as a reader */
  readers: readonly string[];
  signKey: CryptoKey;
  now?: Date;
}

/** The next version of a record with a new reader list (share and revoke both send this). */
export async function reshareRecord(options: ReshareOptions): Promise<{ header: RecordHeader; record: string }> {
  const { header: current, readers, signKey } = options;
  const header: RecordHeader = {
    ...current,
    version: current.version + 1,
    readersHash: await readersHash([current.owner, ...readers]),
    issuedAt: (options.now ?? new Date()).toISOString(),
  };
  return { header, record: await signRecord(header, signKey) };
}

export interface OpenDownloadOptions {
  /** this account: its id and private ECDH key */
  me: { id: string; wrapKey: CryptoKey };
  /** the owner's public signing key, as the server lists it for the owner's account */
  ownerSignJwk: unknown;
  /** the owner's account id, when known (recommended: the server could otherwise pair a record with another signer) */
  expectOwner?: string;
  /** the study the caller asked for */
  expectStudy: string;
  /** the reader ids the caller was given; checked against the signed hash and for `me.id` */
  readers?: readonly string[];
  /** the last version seen for this study (refuses a rollback) */
  minVersion?: number;
  maxPackageBytes?: number;
}

export interface OpenedDownload {
  header: RecordHeader;
  /** open `pkg` with `unpackImage(pkg, contentKey)`; `wipeKey` it afterwards */
  contentKey: CipherKey;
  /** the CSPK package (a copy: nothing aliases the downloaded buffer) */
  pkg: Uint8Array;
}

/**
 * Checks a downloaded bundle completely, then returns its record, content key
 * and package. Any failure is a SharingRefusedError and nothing is returned.
 */
export async function openDownloadedBundle(bytes: Uint8Array, options: OpenDownloadOptions): Promise<OpenedDownload> {
  const { me, expectStudy } = options;
  let bundle;
  try {
    bundle = decodeBundle(bytes, { maxPackageBytes: options.maxPackageBytes });
  } catch (err) {
    if (err instanceof BundleError)
      throw new SharingRefusedError(err.problem === 'too-large' ? 'too-large' : 'malformed', err.message, {
        cause: err,
      });
    throw err;
  }
  const pkg = bundle.pkg.slice();
  const header = await verifyRecord(bundle.record, options.ownerSignJwk, {
    study: expectStudy,
    owner: options.expectOwner,
    minVersion: options.minVersion,
    packageSha256: await sha256Hex(pkg),
    packageBytes: pkg.length,
    readers: options.readers,
  });
  if (options.readers !== undefined && me.id !== header.owner && !options.readers.includes(me.id))
    throw new SharingRefusedError('not-a-reader', 'this account is not in the reader list of this study');
  const keyBytes = await unwrapContentKey(bundle.wrappedKey, me.wrapKey, { study: header.study, owner: header.owner });
  try {
    return { header, contentKey: await keyFromBytes(keyBytes, 'imported'), pkg };
  } finally {
    keyBytes.fill(0);
  }
}
