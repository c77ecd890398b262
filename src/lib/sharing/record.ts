/**
 * The record header: what the owner signs about one version of a shared study
 * (docs/server.md "Record header"), as a compact JWS, ES256, typ
 * `cipherscan-record+jws`. The server checks it with the owner's registered key
 * and refuses a version that is not current + 1; a reader checks signature,
 * owner, study, package hash and reader list. Because it is signed, the server
 * can neither swap packages between records nor replay an old reader list.
 *
 * Must never: carry anything identifying. The payload's members are an
 * allow-list, exactly the contract's; a record with any other member (a name, a
 * date of birth, a DICOM attribute) is refused, signed or not.
 */
import { CompactSign, base64url, compactVerify, decodeProtectedHeader } from 'jose';
import { sha256Hex, utf8 } from '../bytes/bytes';
import { importPublicKey } from './accountKeys';
import { SharingRefusedError } from './errors';

export { sha256Hex };

export const RECORD_TYP = 'cipherscan-record+jws';
export const RECORD_ALG = 'ES256';
/** The contract's limit for a record JWS (a real one is under 1 KiB). */
export const MAX_RECORD_CHARS = 16 * 1024;

export interface RecordHeader {
  /** pseudonymous `2.25.<decimal of 128 random bits>` study UID */
  study: string;
  /** 1 at upload, +1 per share or revoke */
  version: number;
  /** the owner's account id */
  owner: string;
  /** DICOM modality code (MR, CT, CR, DX, OT, …) */
  modality: string;
  frames: number;
  /** SHA-256 of the package bytes, lower-case hex */
  packageSha256: string;
  packageBytes: number;
  /** `readersHash` of the reader account ids, owner included */
  readersHash: string;
  /** ISO 8601 UTC time the owner signed this version */
  issuedAt: string;
}

/** What a verifier expects; each member given is checked. */
export interface RecordExpectations {
  study?: string;
  owner?: string;
  /** the lowest version accepted (a reader's last seen version: refuses rollback) */
  minVersion?: number;
  /** exactly this version (the server: current + 1) */
  version?: number;
  packageSha256?: string;
  packageBytes?: number;
  /** the reader account ids the verifier was given; the owner is added before hashing */
  readers?: readonly string[];
}

const STUDY_UID = /^2\.25\.(0|[1-9][0-9]{0,38})$/;
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const MODALITY = /^[A-Z0-9_]{1,16}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/; // empty signature: alg none, refused by alg
const MAX_FRAMES = 1_000_000;
const MAX_VERSION = 2 ** 31 - 1;

type FieldCheck = (v: unknown) => boolean;
const isCount =
  (max: number): FieldCheck =>
  (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= max;
const matches =
  (re: RegExp): FieldCheck =>
  (v) =>
    typeof v === 'string' && re.test(v);

/** The allow-list, in the order records are written. */
const FIELDS: Record<keyof RecordHeader, FieldCheck> = {
  study: (v) => isStudyUid(v),
  version: isCount(MAX_VERSION),
  owner: matches(ACCOUNT_ID),
  modality: matches(MODALITY),
  frames: isCount(MAX_FRAMES),
  packageSha256: matches(HEX_SHA256),
  packageBytes: isCount(Number.MAX_SAFE_INTEGER),
  readersHash: matches(HEX_SHA256),
  issuedAt: (v) => typeof v === 'string' && ISO_UTC.test(v) && !Number.isNaN(Date.parse(v)),
};
export const RECORD_FIELDS = Object.keys(FIELDS) as (keyof RecordHeader)[];

/** A pseudonymous study UID of the contract's form: `2.25.` + a decimal below 2^128. */
export function isStudyUid(value: unknown): value is string {
  return typeof value === 'string' && STUDY_UID.test(value) && BigInt(value.slice(5)) < 1n << 128n;
}

/** A valid account id (the server's ids; also what records and wrapped keys name). */
export function isAccountId(value: unknown): value is string {
  return typeof value === 'string' && ACCOUNT_ID.test(value);
}

/** SHA-256, lower-case hex, of the JSON array of the sorted, deduplicated account ids. */
export function readersHash(accountIds: readonly string[]): Promise<string> {
  const sorted = [...new Set(accountIds)].sort();
  return sha256Hex(utf8(JSON.stringify(sorted)));
}

/**
 * Checks a decoded payload against the allow-list and returns it in canonical
 * order. Throws SharingRefusedError('malformed') naming the first bad member.
 */
export function parseRecordHeader(value: unknown): RecordHeader {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SharingRefusedError('malformed', 'the study record is not a JSON object');
  const payload = value as Record<string, unknown>;
  for (const name of Object.keys(payload))
    if (!(name in FIELDS))
      throw new SharingRefusedError('malformed', `the study record carries a member it may not have ("${name}")`);
  const out: Record<string, unknown> = {};
  for (const name of RECORD_FIELDS) {
    if (!(name in payload)) throw new SharingRefusedError('malformed', `the study record lacks "${name}"`);
    if (!FIELDS[name](payload[name]))
      throw new SharingRefusedError('malformed', `the study record's "${name}" is not valid`);
    out[name] = payload[name];
  }
  return out as unknown as RecordHeader;
}

/** Signs a record header (checked against the allow-list first: nothing else is ever signed). */
export async function signRecord(header: RecordHeader, signPrivateKey: CryptoKey): Promise<string> {
  const canonical = parseRecordHeader(header);
  return new CompactSign(utf8(JSON.stringify(canonical)))
    .setProtectedHeader({ alg: RECORD_ALG, typ: RECORD_TYP })
    .sign(signPrivateKey);
}

/**
 * Verifies a record JWS with the owner's public signing key (a JWK from the
 * server, checked here, or an imported CryptoKey) and checks every expectation
 * given. Refuses (SharingRefusedError) anything over 16 KiB, any alg but ES256
 * (none, HS256: alg confusion), another typ, a bad signature, a payload outside
 * the allow-list, and a failed expectation.
 */
export async function verifyRecord(
  jws: string,
  ownerSignKey: unknown,
  expect: RecordExpectations = {},
): Promise<RecordHeader> {
  checkProtectedHeader(jws);
  let key: CryptoKey;
  try {
    key = isCryptoKey(ownerSignKey) ? ownerSignKey : await importPublicKey(ownerSignKey, 'sign');
  } catch (cause) {
    throw new SharingRefusedError('malformed', "the owner's public key is not valid", { cause });
  }
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, key, { algorithms: [RECORD_ALG] }));
  } catch (cause) {
    throw new SharingRefusedError('bad-signature', "the study record is not signed by its owner's key", { cause });
  }
  const header = parseRecordHeader(parseJson(payload));
  await checkExpectations(header, expect);
  return header;
}

/**
 * Reads a record WITHOUT checking its signature: for display only (a list, a
 * debugging view). Nothing read this way may decide access or open a package;
 * use verifyRecord for that. The payload is still checked against the allow-list.
 */
export function decodeRecordUnverified(jws: string): RecordHeader {
  checkProtectedHeader(jws);
  const payload = jws.split('.')[1];
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(payload);
  } catch (cause) {
    throw new SharingRefusedError('malformed', 'the study record is not valid base64url', { cause });
  }
  return parseRecordHeader(parseJson(bytes));
}

function checkProtectedHeader(jws: string): void {
  if (typeof jws !== 'string' || jws.length > MAX_RECORD_CHARS)
    throw new SharingRefusedError('too-large', 'the study record is larger than any real one: refused');
  if (!COMPACT_JWS.test(jws)) throw new SharingRefusedError('malformed', 'the study record is not a compact JWS');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jws) as Record<string, unknown>;
  } catch (cause) {
    throw new SharingRefusedError('malformed', 'the study record has an unreadable header', { cause });
  }
  if (header.alg !== RECORD_ALG)
    throw new SharingRefusedError('wrong-algorithm', 'the study record is not signed with ES256: refused');
  if (header.typ !== RECORD_TYP)
    throw new SharingRefusedError('wrong-algorithm', 'this is not a CipherScan study record (wrong type)');
  for (const name of Object.keys(header))
    if (name !== 'alg' && name !== 'typ')
      throw new SharingRefusedError('malformed', `the study record's header has an unexpected member "${name}"`);
}

async function checkExpectations(header: RecordHeader, expect: RecordExpectations): Promise<void> {
  if (expect.study !== undefined && header.study !== expect.study)
    throw new SharingRefusedError('wrong-study', 'this record belongs to another study');
  if (expect.owner !== undefined && header.owner !== expect.owner)
    throw new SharingRefusedError('wrong-owner', 'this record names another owner');
  if (expect.minVersion !== undefined && header.version < expect.minVersion)
    throw new SharingRefusedError('wrong-version', 'this record is older than one already seen (rollback): refused');
  if (expect.version !== undefined && header.version !== expect.version)
    throw new SharingRefusedError('wrong-version', `this record's version is ${header.version}, not ${expect.version}`);
  if (expect.packageSha256 !== undefined && header.packageSha256 !== expect.packageSha256)
    throw new SharingRefusedError('package-mismatch', 'the package is not the one the owner signed');
  if (expect.packageBytes !== undefined && header.packageBytes !== expect.packageBytes)
    throw new SharingRefusedError('package-mismatch', 'the package size is not the one the owner signed');
  if (expect.readers !== undefined && (await readersHash([header.owner, ...expect.readers])) !== header.readersHash)
    throw new SharingRefusedError('not-a-reader', 'the reader list does not match the one the owner signed');
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new SharingRefusedError('malformed', 'the study record is not valid JSON', { cause });
  }
}

/** `instanceof CryptoKey` where that global exists (browsers, Node 20); a JWK otherwise. */
function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
}
