/**
 * The bundle: one study version as it crosses the wire (one STOW-RS part, one
 * WADO-RS response), docs/server.md "Bundle". Binary, little-endian:
 * "CSUB" | u8 version 1 | u32 length + record JWS | u32 length + wrapped-key JWE
 * | u32 length + package bytes. Nothing else: a missing or extra byte is refused.
 *
 * Decoding reads lengths only after checking them against the limits, so a
 * hostile length cannot make us allocate or read past the input. BundleError is
 * a client error for the server (400, or 413 for a section over its limit).
 */
import { utf8 } from '../bytes/bytes';
import { MAX_WRAPPED_KEY_CHARS } from './contentKey';
import { MAX_RECORD_CHARS } from './record';

export const BUNDLE_MAGIC = 'CSUB';
export const BUNDLE_VERSION = 1;
export const BUNDLE_MEDIA_TYPE = 'application/vnd.cipherscan.bundle';
/** The server's default upload limit for a package. */
export const DEFAULT_MAX_PACKAGE_BYTES = 64 * 1024 * 1024;
const PREFIX_BYTES = BUNDLE_MAGIC.length + 1;
const LENGTH_BYTES = 4;

export interface Bundle {
  /** the owner's signed record header (compact JWS) */
  record: string;
  /** a wrapped content key (compact JWE): the owner's own copy on upload, the caller's on download */
  wrappedKey: string;
  /** the CSPK package bytes */
  pkg: Uint8Array;
}

export type BundleProblem =
  'not-a-bundle' | 'unsupported-version' | 'truncated' | 'trailing-bytes' | 'too-large' | 'malformed';

export class BundleError extends Error {
  readonly problem: BundleProblem;
  /** the HTTP status a server answers with */
  readonly status: 400 | 413;
  constructor(problem: BundleProblem, message: string) {
    super(message);
    this.name = 'BundleError';
    this.problem = problem;
    this.status = problem === 'too-large' ? 413 : 400;
  }
}

export interface BundleLimits {
  /** the largest package accepted (default 64 MiB, the server's default upload limit) */
  maxPackageBytes?: number;
}

export function encodeBundle(bundle: Bundle, limits: BundleLimits = {}): Uint8Array {
  const record = utf8(bundle.record);
  const wrappedKey = utf8(bundle.wrappedKey);
  checkSectionSizes(record.length, wrappedKey.length, bundle.pkg.length, limits);
  const out = new Uint8Array(PREFIX_BYTES + 3 * LENGTH_BYTES + record.length + wrappedKey.length + bundle.pkg.length);
  const view = new DataView(out.buffer);
  out.set(utf8(BUNDLE_MAGIC));
  out[BUNDLE_MAGIC.length] = BUNDLE_VERSION;
  let at = PREFIX_BYTES;
  for (const section of [record, wrappedKey, bundle.pkg]) {
    view.setUint32(at, section.length, true);
    out.set(section, at + LENGTH_BYTES);
    at += LENGTH_BYTES + section.length;
  }
  return out;
}

/**
 * Splits a bundle into its three sections. `pkg` is a view into `bytes` (no
 * copy of up to 64 MiB): copy it if `bytes` will be reused. The JWS and JWE are
 * checked for size and for being ASCII compact serialisations; their content is
 * checked by verifyRecord / unwrapContentKey.
 */
export function decodeBundle(bytes: Uint8Array, limits: BundleLimits = {}): Bundle {
  if (bytes.length < PREFIX_BYTES) throw new BundleError('truncated', 'the upload ends before its bundle header');
  if (new TextDecoder().decode(bytes.subarray(0, BUNDLE_MAGIC.length)) !== BUNDLE_MAGIC)
    throw new BundleError('not-a-bundle', 'this is not a CipherScan bundle');
  if (bytes[BUNDLE_MAGIC.length] !== BUNDLE_VERSION)
    throw new BundleError('unsupported-version', `bundle version ${bytes[BUNDLE_MAGIC.length]} is not supported`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxima = sectionMaxima(limits);
  const sections: Uint8Array[] = [];
  let at = PREFIX_BYTES;
  for (const [index, max] of maxima.entries()) {
    if (at + LENGTH_BYTES > bytes.length) throw new BundleError('truncated', 'the bundle ends inside a length field');
    const length = view.getUint32(at, true);
    at += LENGTH_BYTES;
    if (length > max) throw new BundleError('too-large', `the bundle's ${SECTION_NAMES[index]} is over its limit`);
    if (at + length > bytes.length)
      throw new BundleError('truncated', `the bundle's ${SECTION_NAMES[index]} is cut short`);
    sections.push(bytes.subarray(at, at + length));
    at += length;
  }
  if (at !== bytes.length) throw new BundleError('trailing-bytes', 'the bundle has bytes after its last section');
  const [record, wrappedKey, pkg] = sections;
  return { record: compactText(record, 'record'), wrappedKey: compactText(wrappedKey, 'wrapped key'), pkg };
}

const SECTION_NAMES = ['record', 'wrapped key', 'package'] as const;

function sectionMaxima(limits: BundleLimits): number[] {
  const maxPackage = limits.maxPackageBytes ?? DEFAULT_MAX_PACKAGE_BYTES;
  if (!Number.isSafeInteger(maxPackage) || maxPackage < 0) throw new Error('maxPackageBytes must be a byte count');
  return [MAX_RECORD_CHARS, MAX_WRAPPED_KEY_CHARS, Math.min(maxPackage, 0xffffffff)];
}

function checkSectionSizes(record: number, wrappedKey: number, pkg: number, limits: BundleLimits): void {
  const lengths = [record, wrappedKey, pkg];
  for (const [index, max] of sectionMaxima(limits).entries())
    if (lengths[index] > max) throw new BundleError('too-large', `the ${SECTION_NAMES[index]} is over its limit`);
  if (record === 0 || wrappedKey === 0 || pkg === 0) throw new BundleError('malformed', 'a bundle section is empty');
}

/** A JWS or JWE section: base64url parts and dots only (so also valid UTF-8, one byte per character). */
function compactText(bytes: Uint8Array, name: string): string {
  for (const b of bytes) {
    const ok =
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2d ||
      b === 0x5f ||
      b === 0x2e;
    if (!ok) throw new BundleError('malformed', `the bundle's ${name} is not a compact JOSE serialisation`);
  }
  if (bytes.length === 0) throw new BundleError('malformed', `the bundle's ${name} is empty`);
  return new TextDecoder().decode(bytes);
}
