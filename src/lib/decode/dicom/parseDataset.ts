/**
 * Reads the DICOM structure with dicom-parser: Part 10 files, files without the
 * 128-byte preamble and meta header, and deflated datasets (inflated with fflate,
 * never Node's zlib, so the same code runs in a browser worker). Every failure
 * dicom-parser throws (strings, objects, errors) leaves here as a DecodeError a
 * clinician can read. It must never log or return attribute values.
 */
import { dicomParser } from './dicomParserModule';
import type { DataSet, ParseDicomOptions } from 'dicom-parser';
import { Inflate } from 'fflate';
import { DecodeError } from '../errors';
import { MAX_INFLATED_BYTES } from '../limits';
import {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
} from './transferSyntaxes';

export interface ParsedDicom {
  dataSet: DataSet;
  transferSyntaxUid: string;
  /** false for a bare dataset without the "DICM" preamble and meta header */
  hasMetaHeader: boolean;
}

export function parseDicomBytes(bytes: Uint8Array): ParsedDicom {
  const hasMetaHeader =
    bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
  const assumedSyntax = hasMetaHeader ? undefined : guessBareSyntax(bytes);
  let dataSet: DataSet;
  try {
    dataSet =
      (hasMetaHeader && parseImplicitDespiteHeader(bytes)) ||
      dicomParser.parseDicom(bytes, {
        ...(assumedSyntax ? { TransferSyntaxUID: assumedSyntax } : {}),
        inflater: inflateDataset,
      } as ParseDicomOptions);
  } catch (err) {
    throw new DecodeError(describeParseFailure(err));
  }
  const transferSyntaxUid = (dataSet.string('x00020010') ?? assumedSyntax ?? '').replace(/\0/g, '').trim();
  if (!transferSyntaxUid) throw new DecodeError('not a DICOM file (no transfer syntax)');
  return { dataSet, transferSyntaxUid, hasMetaHeader };
}

/**
 * A bare dataset must start with a group 0x0008 (or 0x0002) tag, little endian.
 * Explicit VR shows two upper-case letters right after the tag; otherwise it is implicit.
 */
function guessBareSyntax(bytes: Uint8Array): string {
  const group = bytes.length >= 8 ? bytes[0] | (bytes[1] << 8) : -1;
  if (group !== 0x0008 && group !== 0x0002) throw new DecodeError('not a DICOM file');
  const isUpper = (b: number) => b >= 0x41 && b <= 0x5a;
  return isUpper(bytes[4]) && isUpper(bytes[5]) ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN;
}

const VALUE_REPRESENTATIONS = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);

/**
 * Some writers (e.g. SC_rgb_jpeg.dcm) declare an explicit-VR transfer syntax in the
 * meta header but encode the dataset in implicit VR. dicom-parser would read lengths
 * as VRs and run off the end ("truncated"). When the first element after the meta
 * header has no valid VR, read the dataset as implicit VR little endian, then collect
 * the encapsulated pixel data fragments by hand. Returns undefined when the dataset
 * looks as declared, so the normal path runs.
 */
function parseImplicitDespiteHeader(bytes: Uint8Array): DataSet | undefined {
  const meta = dicomParser.readPart10Header(bytes) as DataSet & { position: number };
  const syntax = meta.string('x00020010')?.replace(/\0/g, '').trim();
  const pos = meta.position;
  if (
    !syntax ||
    syntax === IMPLICIT_VR_LITTLE_ENDIAN ||
    syntax === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN ||
    syntax === EXPLICIT_VR_BIG_ENDIAN
  )
    return undefined;
  if (pos + 8 > bytes.length) return undefined;
  const vr = String.fromCharCode(bytes[pos + 4], bytes[pos + 5]);
  if (VALUE_REPRESENTATIONS.has(vr)) return undefined;
  const parser = dicomParser.littleEndianByteArrayParser;
  const stream = new dicomParser.ByteStream(parser, bytes, pos);
  const DataSetClass = (
    dicomParser as unknown as { DataSet: new (p: typeof parser, b: Uint8Array, e: DataSet['elements']) => DataSet }
  ).DataSet;
  const dataSet = new DataSetClass(parser, bytes, {});
  dicomParser.parseDicomDataSetImplicit(dataSet, stream, bytes.length, { untilTag: 'x7fe00010' });
  const pixelData = dataSet.elements.x7fe00010;
  if (pixelData?.hadUndefinedLength) dicomParser.findEndOfEncapsulatedElement(stream, pixelData, []);
  else if (pixelData) pixelData.length = Math.min(pixelData.length, bytes.length - pixelData.dataOffset);
  for (const [tag, element] of Object.entries(meta.elements)) dataSet.elements[tag] = element;
  return dataSet;
}

/**
 * dicom-parser's inflater hook: meta header bytes followed by the raw-inflated
 * dataset. Streamed in chunks with a budget, so a small file that would inflate
 * past MAX_INFLATED_BYTES stops there instead of allocating it.
 */
function inflateDataset(bytes: Uint8Array, position: number): Uint8Array {
  return inflateAfter(bytes, position, MAX_INFLATED_BYTES);
}

/** bytes[0, position) as they are, then bytes[position, end) raw-inflated, within `budget` inflated bytes. */
export function inflateAfter(bytes: Uint8Array, position: number, budget: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > budget)
      throw new DecodeError(`deflated dataset too large (inflates past ${Math.round(budget / 2 ** 20)} MiB)`);
    chunks.push(chunk);
  });
  const input = bytes.subarray(position);
  const STEP = 64 * 1024;
  try {
    for (let at = 0; at < input.length; at += STEP)
      inflater.push(input.subarray(at, at + STEP), at + STEP >= input.length);
    if (input.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    throw new DecodeError('damaged deflated dataset (could not inflate)');
  }
  const full = new Uint8Array(position + total);
  full.set(bytes.subarray(0, position), 0);
  let at = position;
  for (const chunk of chunks) {
    full.set(chunk, at);
    at += chunk.length;
  }
  return full;
}

/** Maps dicom-parser's thrown strings and objects to one plain sentence. */
export function describeParseFailure(err: unknown): string {
  if (err instanceof DecodeError) return err.message;
  const inner =
    typeof err === 'object' && err !== null && 'exception' in err ? (err as { exception: unknown }).exception : err;
  if (inner instanceof DecodeError) return inner.message;
  const text = typeof inner === 'string' ? inner : inner instanceof Error ? inner.message : String(inner);
  if (/DICM prefix not found/i.test(text)) return 'not a DICOM file';
  if (
    /overrun|overread|past end of buffer|cannot seek|greater than or equal to .*length|invalid value for parameter .*maxP/i.test(
      text,
    )
  )
    return 'truncated file';
  if (/missing required meta header attribute 0002,0010/i.test(text)) return 'not a DICOM file (no transfer syntax)';
  if (/inflate/i.test(text)) return 'damaged deflated dataset (could not inflate)';
  return `damaged DICOM file (${text.replace(/^dicomParser[.:]\w*:?\s*/i, '').slice(0, 120)})`;
}
