/**
 * The de-identified metadata that travels inside a package, built from an
 * ALLOW-LIST: every field is picked by name and checked against a narrow pattern.
 * Anything a decoder adds later (or smuggles in) is dropped, not filtered. The
 * same allow-list applies when a package is opened (parseMetadata): a package
 * from someone else is not trusted to be de-identified.
 *
 * Must never: copy a string from the file that is not a short code matching its
 * pattern, or carry patient, study, institution, date or UID values. Names of the
 * identifying attributes found in the file are not carried either. Never hand a
 * field read from a package to its caller without picking it by name.
 */
import type { DecodedImage } from '../../decode/types';
import { isObject } from '../../json/isObject';
import type { RawLayout } from './rawSamples';

export const METADATA_SCHEMA = 'cipherscan-package-metadata-v1';

export type DisplayRecipe =
  /** the raw samples are the display pixels (8-bit RGB) */
  | { kind: 'raw-is-display' }
  /** gray display value for each raw value from `min` up: the decoder's modality/VOI window, tabulated */
  | { kind: 'gray-lut'; min: number; length: number }
  /** the display pixels, stored as their own lossless JPEG 2000 codestream */
  | { kind: 'stored-image'; width: number; height: number };

export interface PackageMetadata {
  schema: typeof METADATA_SCHEMA;
  source: {
    format: 'dicom' | 'png' | 'jpeg';
    width: number;
    height: number;
    frames: number;
    frame: number;
    modality?: string;
    transferSyntax?: string;
    photometric?: string;
    bitsAllocated?: number;
    bitsStored?: number;
  };
  /** the VOI window the display pixels were made with (DICOM only) */
  window?: { center: number; width: number; source: 'file' | 'computed' };
  raw: RawLayout & { sha256: string };
  display: DisplayRecipe;
  codec: { name: 'jpeg2000'; reversible: true; codestreams: number };
}

// Short codes only: a free-text field could hold a name.
const MODALITY = /^[A-Z0-9]{1,16}$/;
const PHOTOMETRIC = /^[A-Z0-9_]{1,16}$/;
// Transfer syntax names come from the decoder's UID table ("Explicit VR Little Endian", "JPEG 2000 Lossless").
const TRANSFER_SYNTAX = /^[A-Za-z0-9 .,:()/-]{1,64}$/;

function pick(value: unknown, pattern: RegExp): string | undefined {
  return typeof value === 'string' && pattern.test(value.trim()) ? value.trim() : undefined;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function smallInt(value: unknown, max: number): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max ? value : undefined;
}

/**
 * The DICOM attributes a package may carry, each only when it passes the allow-list:
 * one rule for writing a package and for reading someone else's.
 */
function addDicomFields(
  source: PackageMetadata['source'],
  fields: {
    modality?: unknown;
    transferSyntax?: unknown;
    photometric?: unknown;
    bitsAllocated?: unknown;
    bitsStored?: unknown;
  },
): void {
  const modality = pick(fields.modality, MODALITY);
  const transferSyntax = pick(fields.transferSyntax, TRANSFER_SYNTAX);
  const photometric = pick(fields.photometric, PHOTOMETRIC);
  const bitsAllocated = smallInt(fields.bitsAllocated, 64);
  const bitsStored = smallInt(fields.bitsStored, 64);
  if (modality) source.modality = modality;
  if (transferSyntax) source.transferSyntax = transferSyntax;
  if (photometric) source.photometric = photometric;
  if (bitsAllocated !== undefined) source.bitsAllocated = bitsAllocated;
  if (bitsStored !== undefined) source.bitsStored = bitsStored;
}

export function buildMetadata(
  decoded: DecodedImage,
  raw: RawLayout & { sha256: string },
  display: DisplayRecipe,
  codestreams: number,
): PackageMetadata {
  const format = decoded.format;
  if (format !== 'dicom' && format !== 'png' && format !== 'jpeg')
    throw new Error(`unknown source format ${String(format)}`);
  const dicom = format === 'dicom' ? decoded.dicom : undefined;
  const source: PackageMetadata['source'] = {
    format,
    width: smallInt(decoded.image.width, 1 << 20) ?? raw.width,
    height: smallInt(decoded.image.height, 1 << 20) ?? raw.height,
    frames: smallInt(decoded.frames, 1 << 20) ?? 1,
    frame: smallInt(decoded.frame, 1 << 20) ?? 0,
  };
  if (dicom) {
    addDicomFields(source, {
      modality: dicom.modality,
      transferSyntax: dicom.transferSyntaxName,
      photometric: dicom.photometricInterpretation,
      bitsAllocated: dicom.bitsAllocated,
      bitsStored: dicom.bitsStored,
    });
  }
  const metadata: PackageMetadata = {
    schema: METADATA_SCHEMA,
    source,
    raw: {
      width: raw.width,
      height: raw.height,
      samplesPerPixel: raw.samplesPerPixel,
      bitsAllocated: raw.bitsAllocated,
      signed: raw.signed,
      sha256: raw.sha256,
    },
    display,
    codec: { name: 'jpeg2000', reversible: true, codestreams },
  };
  const center = finiteNumber(dicom?.window?.center);
  const width = finiteNumber(dicom?.window?.width);
  const windowSource = dicom?.window?.source;
  if (center !== undefined && width !== undefined && (windowSource === 'file' || windowSource === 'computed')) {
    metadata.window = { center, width, source: windowSource };
  }
  return metadata;
}

/**
 * Reads metadata back out of a decrypted package, through the same allow-list
 * as buildMetadata: a package made by other software (or by a writer with its
 * allow-list bypassed) may carry anything, and authentication only proves who
 * made it, not that it is de-identified. Every field is picked by name into a
 * fresh object and checked; anything else (a `patientName`, a
 * `source.institution`) is dropped, so it never reaches `unpack --meta` or the
 * page. A required field that is missing or malformed refuses the package:
 * say so plainly rather than guess.
 */
export function parseMetadata(json: string): PackageMetadata {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('package metadata is not JSON');
  }
  const metadata = allowListed(value);
  if (!metadata) throw new Error('package metadata is incomplete');
  return metadata;
}

function allowListed(value: unknown): PackageMetadata | undefined {
  if (!isObject(value) || value.schema !== METADATA_SCHEMA) throw new Error('package metadata has an unknown schema');
  const raw = allowListedRaw(value.raw);
  const display = allowListedDisplay(value.display);
  const s = value.source;
  const c = value.codec;
  if (!raw || !display || !isObject(s) || !isObject(c)) return undefined;
  const codestreams = smallInt(c.codestreams, 8);
  if (c.name !== 'jpeg2000' || !codestreams) return undefined;
  // which frame of how many: whole numbers, the frame one of them (the frame list relies on it)
  const frames = smallInt(s.frames, 1 << 20);
  const frame = frames ? smallInt(s.frame, frames - 1) : undefined;
  if (!frames || frame === undefined || (s.format !== 'dicom' && s.format !== 'png' && s.format !== 'jpeg'))
    return undefined;
  const source: PackageMetadata['source'] = {
    format: s.format,
    width: smallInt(s.width, 1 << 20) ?? raw.width,
    height: smallInt(s.height, 1 << 20) ?? raw.height,
    frames,
    frame,
  };
  addDicomFields(source, s);
  const metadata: PackageMetadata = {
    schema: METADATA_SCHEMA,
    source,
    raw,
    display,
    codec: { name: 'jpeg2000', reversible: true, codestreams },
  };
  const w = value.window;
  if (isObject(w)) {
    const center = finiteNumber(w.center);
    const width = finiteNumber(w.width);
    if (center !== undefined && width !== undefined && (w.source === 'file' || w.source === 'computed'))
      metadata.window = { center, width, source: w.source };
  }
  return metadata;
}

function allowListedRaw(r: unknown): PackageMetadata['raw'] | undefined {
  if (!isObject(r)) return undefined;
  const width = smallInt(r.width, 1 << 20);
  const height = smallInt(r.height, 1 << 20);
  const samplesPerPixel = smallInt(r.samplesPerPixel, 4);
  const bits = r.bitsAllocated;
  if (!width || !height || !samplesPerPixel || (bits !== 1 && bits !== 8 && bits !== 16 && bits !== 32))
    return undefined;
  if (typeof r.signed !== 'boolean' || typeof r.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.sha256))
    return undefined;
  return { width, height, samplesPerPixel, bitsAllocated: bits, signed: r.signed, sha256: r.sha256 };
}

function allowListedDisplay(d: unknown): DisplayRecipe | undefined {
  if (!isObject(d)) return undefined;
  if (d.kind === 'raw-is-display') return { kind: 'raw-is-display' };
  if (d.kind === 'gray-lut') {
    // min may be negative (signed samples); the table length is checked against its segment when applied
    const min = typeof d.min === 'number' && Number.isSafeInteger(d.min) ? d.min : undefined;
    const length = smallInt(d.length, 2 ** 32);
    return min !== undefined && length !== undefined ? { kind: 'gray-lut', min, length } : undefined;
  }
  if (d.kind === 'stored-image') {
    const width = smallInt(d.width, 1 << 20);
    const height = smallInt(d.height, 1 << 20);
    return width !== undefined && height !== undefined ? { kind: 'stored-image', width, height } : undefined;
  }
  return undefined;
}
