/**
 * What the server checks before it stores anything a client sends
 * (docs/server.md "Record header", "Bundle"), as library use-cases so routes stay
 * thin: an uploaded bundle (record version 1 signed by the uploader, package
 * hash and size as signed, the owner's wrapped key bound to this study and
 * owner), and a share/revoke record (exactly current + 1, same study, owner and
 * package, reader list as the grants will be). The server holds no private key,
 * so a wrapped key is checked for form and binding only; the reader's unwrap
 * checks the rest.
 *
 * Errors: BundleError (400/413) for the bundle's framing, SharingRefusedError for
 * the rest (the server maps `wrong-version` to 409).
 */
import { sha256Hex } from '../bytes/bytes';
import { type BundleLimits, decodeBundle } from './bundle';
import { inspectWrappedKey } from './contentKey';
import { SharingRefusedError } from './errors';
import { type RecordHeader, verifyRecord } from './record';

/** The account making the request, as the server has it registered. */
export interface RegisteredOwner {
  id: string;
  /** the public signing key the account registered */
  signJwk: unknown;
}

export interface AcceptedUpload {
  header: RecordHeader;
  /** the verified record JWS, to store and to hand to readers */
  record: string;
  /** the owner's own wrapped key (form and binding checked) */
  wrappedKey: string;
  /** the package bytes (a view into the request body) */
  pkg: Uint8Array;
}

/** Checks one STOW-RS part from `owner`. The caller still refuses a study UID it already has. */
export async function acceptUpload(
  bytes: Uint8Array,
  owner: RegisteredOwner,
  limits: BundleLimits = {},
): Promise<AcceptedUpload> {
  const { record, wrappedKey, pkg } = decodeBundle(bytes, limits);
  const header = await verifyRecord(record, owner.signJwk, {
    owner: owner.id,
    version: 1,
    packageSha256: await sha256Hex(pkg),
    packageBytes: pkg.length,
    readers: [],
  });
  inspectWrappedKey(wrappedKey, { study: header.study, owner: owner.id });
  return { header, record, wrappedKey, pkg };
}

export interface RecordChange {
  /** the new record JWS the owner sent */
  record: string;
  owner: RegisteredOwner;
  /** the stored (verified) current header */
  current: RecordHeader;
  /** reader account ids once this change is applied (owner not needed): checked against the signed hash */
  readersAfter: readonly string[];
  /** share only: the wrapped key for the new reader */
  wrappedKey?: string;
}

/**
 * Checks a share or revoke: the record verifies with the owner's key, is
 * version current + 1 for the same study, owner and package, and its reader hash
 * matches the readers after the change. Returns the new header.
 */
export async function acceptRecordChange(change: RecordChange): Promise<RecordHeader> {
  const { current, owner } = change;
  if (current.owner !== owner.id) throw new SharingRefusedError('wrong-owner', 'only the owner can change readers');
  const header = await verifyRecord(change.record, owner.signJwk, {
    study: current.study,
    owner: owner.id,
    version: current.version + 1,
    packageSha256: current.packageSha256,
    packageBytes: current.packageBytes,
    readers: change.readersAfter,
  });
  if (header.modality !== current.modality || header.frames !== current.frames)
    throw new SharingRefusedError('package-mismatch', 'a new record may change only its readers');
  if (change.wrappedKey !== undefined) inspectWrappedKey(change.wrappedKey, { study: current.study, owner: owner.id });
  return header;
}
