/**
 * The de-identified metadata that travels inside a package, built from an
 * ALLOW-LIST: every field is picked by name and checked against a narrow pattern.
 * Anything a decoder adds later (or smuggles in) is dropped, not filtered.
 *
 * Must never: copy a string from the file that is not a short code matching its
 * pattern, or carry patient, study, institution, date or UID values. Names of the
 * identifying attributes found in the file are not carried either.
 */
import type { DecodedImage } from '../../decode/types';
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
    const modality = pick(dicom.modality, MODALITY);
    const transferSyntax = pick(dicom.transferSyntaxName, TRANSFER_SYNTAX);
    const photometric = pick(dicom.photometricInterpretation, PHOTOMETRIC);
    const bitsAllocated = smallInt(dicom.bitsAllocated, 64);
    const bitsStored = smallInt(dicom.bitsStored, 64);
    if (modality) source.modality = modality;
    if (transferSyntax) source.transferSyntax = transferSyntax;
    if (photometric) source.photometric = photometric;
    if (bitsAllocated !== undefined) source.bitsAllocated = bitsAllocated;
    if (bitsStored !== undefined) source.bitsStored = bitsStored;
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
 * Reads metadata back out of a decrypted package. The package is authenticated,
 * so a failure here means a package made by other software or a bug: say so
 * plainly rather than guess.
 */
export function parseMetadata(json: string): PackageMetadata {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('package metadata is not JSON');
  }
  const m = value as PackageMetadata;
  if (!m || m.schema !== METADATA_SCHEMA) throw new Error('package metadata has an unknown schema');
  const r = m.raw;
  const ok =
    r &&
    smallInt(r.width, 1 << 20) &&
    smallInt(r.height, 1 << 20) &&
    smallInt(r.samplesPerPixel, 4) &&
    [1, 8, 16, 32].includes(r.bitsAllocated) &&
    typeof r.signed === 'boolean' &&
    /^[0-9a-f]{64}$/.test(r.sha256) &&
    m.codec?.name === 'jpeg2000' &&
    smallInt(m.codec.codestreams, 8) &&
    m.display &&
    ['raw-is-display', 'gray-lut', 'stored-image'].includes(m.display.kind) &&
    // which frame of how many: whole numbers, the frame one of them (the frame list relies on it)
    smallInt(m.source?.frames, 1 << 20) !== undefined &&
    m.source.frames >= 1 &&
    smallInt(m.source.frame, m.source.frames - 1) !== undefined;
  if (!ok) throw new Error('package metadata is incomplete');
  return m;
}
