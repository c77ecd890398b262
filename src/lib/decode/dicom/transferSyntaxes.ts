/**
 * The one table from DICOM transfer-syntax UID to how its pixel data is decoded.
 * Anything not listed here is refused by name ("unsupported compression (X)"),
 * never guessed at: a wrong guess would show a clinician a plausible but wrong image.
 */
import { DecodeError } from '../errors';

export type PixelEncoding =
  | 'native' // uncompressed, little or big endian (dataset endianness decides)
  | 'rle' // RLE Lossless, decoded by rle.ts
  | 'jpegBaseline' // 8-bit lossy JPEG, libjpeg-turbo
  | 'jpegExtended' // 8-bit: libjpeg-turbo; 12-bit: codecs/jpegExtended12.ts (one component)
  | 'jpegLossless' // JPEG lossless process 14, jpeg-lossless-decoder-js
  | 'jpegLs' // JPEG-LS lossless, CharLS
  | 'jpeg2000'; // JPEG 2000 (lossless or lossy), OpenJPEG

export interface TransferSyntax {
  uid: string;
  name: string;
  /** undefined: the syntax is known but refused (see `refusal`) */
  encoding?: PixelEncoding;
  bigEndian?: boolean;
  implicitVr?: boolean;
  /** the dataset after the meta header is deflate-compressed */
  deflated?: boolean;
  /** why a known syntax is refused; shown as "unsupported compression (<refusal>)" */
  refusal?: string;
}

const SYNTAXES: TransferSyntax[] = [
  { uid: '1.2.840.10008.1.2', name: 'Implicit VR Little Endian', encoding: 'native', implicitVr: true },
  { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian', encoding: 'native' },
  { uid: '1.2.840.10008.1.2.1.99', name: 'Deflated Explicit VR Little Endian', encoding: 'native', deflated: true },
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian', encoding: 'native', bigEndian: true },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', encoding: 'rle' },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG Baseline (Process 1)', encoding: 'jpegBaseline' },
  // 12-bit DCT JPEG: libjpeg-turbo-8bit is 8-bit only and jpeg-lossless-decoder-js is lossless only;
  // no maintained npm decoder fits, so a small hand-written decoder covers the single-component case.
  { uid: '1.2.840.10008.1.2.4.51', name: 'JPEG Extended (Process 2 & 4)', encoding: 'jpegExtended' },
  { uid: '1.2.840.10008.1.2.4.57', name: 'JPEG Lossless, Non-Hierarchical (Process 14)', encoding: 'jpegLossless' },
  {
    uid: '1.2.840.10008.1.2.4.70',
    name: 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [SV1])',
    encoding: 'jpegLossless',
  },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS Lossless', encoding: 'jpegLs' },
  // Near-lossless JPEG-LS decodes with the same CharLS call, but the brief is to archive exact
  // stored samples; a near-lossless stream has none, so it is refused rather than passed off as exact.
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS Lossy (Near-Lossless)', refusal: 'JPEG-LS Near-lossless' },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 Image Compression (Lossless Only)', encoding: 'jpeg2000' },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000 Image Compression', encoding: 'jpeg2000' },
  {
    uid: '1.2.840.10008.1.2.4.53',
    name: 'JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8)',
    refusal: 'JPEG Spectral Selection',
  },
  {
    uid: '1.2.840.10008.1.2.4.55',
    name: 'JPEG Full Progression, Non-Hierarchical (Process 10 & 12)',
    refusal: 'JPEG Full Progression',
  },
  {
    uid: '1.2.840.10008.1.2.4.92',
    name: 'JPEG 2000 Part 2 Multi-component (Lossless Only)',
    refusal: 'JPEG 2000 Part 2',
  },
  { uid: '1.2.840.10008.1.2.4.93', name: 'JPEG 2000 Part 2 Multi-component', refusal: 'JPEG 2000 Part 2' },
  { uid: '1.2.840.10008.1.2.4.201', name: 'High-Throughput JPEG 2000 (Lossless Only)', refusal: 'HTJ2K' },
  {
    uid: '1.2.840.10008.1.2.4.202',
    name: 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)',
    refusal: 'HTJ2K',
  },
  { uid: '1.2.840.10008.1.2.4.203', name: 'High-Throughput JPEG 2000', refusal: 'HTJ2K' },
  { uid: '1.2.840.10008.1.2.4.100', name: 'MPEG2 Main Profile / Main Level', refusal: 'MPEG2 video' },
  { uid: '1.2.840.10008.1.2.4.101', name: 'MPEG2 Main Profile / High Level', refusal: 'MPEG2 video' },
  { uid: '1.2.840.10008.1.2.4.102', name: 'MPEG-4 AVC/H.264 High Profile', refusal: 'H.264 video' },
  { uid: '1.2.840.10008.1.2.4.103', name: 'MPEG-4 AVC/H.264 BD-compatible High Profile', refusal: 'H.264 video' },
  { uid: '1.2.840.10008.1.2.4.110', name: 'JPEG XL Lossless', refusal: 'JPEG XL' },
  { uid: '1.2.840.10008.1.2.4.111', name: 'JPEG XL JPEG Recompression', refusal: 'JPEG XL' },
  { uid: '1.2.840.10008.1.2.4.112', name: 'JPEG XL', refusal: 'JPEG XL' },
];

const BY_UID = new Map(SYNTAXES.map((s) => [s.uid, s]));

/** Looks up a transfer syntax; unknown UIDs come back as a refused entry named by their UID. */
export function transferSyntaxFor(uid: string): TransferSyntax {
  const clean = uid.replace(/\0/g, '').trim();
  return BY_UID.get(clean) ?? { uid: clean, name: `unknown transfer syntax ${clean}`, refusal: clean };
}

/** Throws the clinician-readable refusal for syntaxes without a decoder. */
export function requireDecodable(syntax: TransferSyntax): PixelEncoding {
  if (syntax.encoding) return syntax.encoding;
  throw new DecodeError(`unsupported compression (${syntax.refusal ?? syntax.name})`);
}

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';
