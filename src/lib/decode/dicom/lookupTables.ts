/**
 * The lookup tables a grey DICOM image may carry instead of numbers:
 *   Modality LUT Sequence (0028,3000), used instead of Rescale Slope/Intercept
 *     (PS3.3 C.11.1), common in CR/DX/XA files;
 *   VOI LUT Sequence (0028,3010), used where a window would be (C.11.2), common
 *     in mammography and projection radiography;
 * and segmented PALETTE COLOR tables (C.7.9.2), expanded here to plain tables.
 * Each LUT item holds a descriptor [entries (0 = 65536), first mapped value, bits
 * per entry] and 16-bit LUT Data. Values below the first mapped value take the
 * first entry, values past the end the last (as the standard says).
 * Pure arithmetic: no DOM, no I/O.
 */
import type { DataSet } from 'dicom-parser';
import { DecodeError } from '../errors';

export interface LookupTable {
  firstMapped: number;
  /** output value per mapped input, firstMapped .. firstMapped + entries.length - 1 */
  entries: Uint16Array;
  /** bits per entry: VOI LUT output runs 0 .. 2^bits - 1 */
  bits: number;
}

const MODALITY_LUT_SEQUENCE = 'x00283000';
const VOI_LUT_SEQUENCE = 'x00283010';
const LUT_DESCRIPTOR = 'x00283002';
const LUT_DATA = 'x00283006';

/** First item of the Modality LUT Sequence, if the file has one. */
export function readModalityLut(dataSet: DataSet, pixelRepresentation: number): LookupTable | undefined {
  return readLutItem(dataSet, MODALITY_LUT_SEQUENCE, 'modality', pixelRepresentation === 1);
}

/**
 * Item `index` of the VOI LUT Sequence, if there is one. Its input is the modality
 * value, which is signed when the stored values are or when a rescale or modality
 * LUT makes it so; an SS descriptor says so explicitly.
 */
export function readVoiLut(dataSet: DataSet, signedInput: boolean, index = 0): LookupTable | undefined {
  return readLutItem(dataSet, VOI_LUT_SEQUENCE, 'VOI', signedInput, index);
}

/** How many VOI LUTs the file offers, with each one's LUT Explanation (0028,3003) where it gives one. */
export function voiLutExplanations(dataSet: DataSet): Array<string | undefined> {
  return (dataSet.elements[VOI_LUT_SEQUENCE]?.items ?? []).map(
    (item) => item.dataSet?.string('x00283003')?.trim() || undefined,
  );
}

function readLutItem(
  dataSet: DataSet,
  sequenceTag: string,
  what: string,
  signedFirst: boolean,
  index = 0,
): LookupTable | undefined {
  const item = dataSet.elements[sequenceTag]?.items?.[index]?.dataSet;
  if (!item) return undefined;
  const descriptor = item.elements[LUT_DESCRIPTOR];
  const data = item.elements[LUT_DATA];
  if (!descriptor || !data || data.length === 0)
    throw new DecodeError(`damaged DICOM file (${what} lookup table without its descriptor or data)`);
  const count = item.uint16(LUT_DESCRIPTOR, 0) || 65536; // 0 means 2^16 entries
  const firstRaw = item.uint16(LUT_DESCRIPTOR, 1) ?? 0;
  const signed = descriptor.vr === 'SS' || signedFirst;
  const firstMapped = signed && firstRaw >= 0x8000 ? firstRaw - 0x10000 : firstRaw;
  const bits = item.uint16(LUT_DESCRIPTOR, 2) ?? 16;
  if (bits < 8 || bits > 16)
    throw new DecodeError(`damaged DICOM file (${what} lookup table with ${bits} bits per entry)`);
  const bytes = elementBytes(item, data);
  return { firstMapped, entries: lutWords(bytes, count, bits, item, what), bits };
}

export function elementBytes(dataSet: DataSet, element: { dataOffset: number; length: number }): Uint8Array {
  const { byteArray } = dataSet;
  return new Uint8Array(
    byteArray.buffer,
    byteArray.byteOffset + element.dataOffset,
    Math.max(0, Math.min(element.length, byteArray.length - element.dataOffset)),
  );
}

/** LUT Data is 16-bit words; 8-bit tables are sometimes packed one entry per byte. */
export function lutWords(bytes: Uint8Array, count: number, bits: number, dataSet: DataSet, what: string): Uint16Array {
  if (bits === 8 && bytes.length === count + (count % 2)) return Uint16Array.from(bytes.subarray(0, count));
  if (bytes.length < count * 2)
    throw new DecodeError(`damaged DICOM file (${what} lookup table shorter than its descriptor)`);
  const out = new Uint16Array(count);
  for (let i = 0; i < count; i++) out[i] = dataSet.byteArrayParser.readUint16(bytes, 2 * i);
  return out;
}

/** Output of `lut` for input `v` (clamped to the table's ends). */
export function lookUp(lut: LookupTable, v: number): number {
  const i = Math.round(v) - lut.firstMapped;
  return lut.entries[i <= 0 ? 0 : i >= lut.entries.length ? lut.entries.length - 1 : i];
}

/** The words of a segmented palette's data element, as 16-bit values. */
export function segmentedWords(dataSet: DataSet, element: { dataOffset: number; length: number }): Uint16Array {
  const bytes = elementBytes(dataSet, element);
  const out = new Uint16Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = dataSet.byteArrayParser.readUint16(bytes, 2 * i);
  return out;
}

/**
 * Expands segmented palette data (C.7.9.2) to `count` entries. Segments:
 *   0 discrete  [0, n, v1 .. vn]           n values as given;
 *   1 linear    [1, n, y1]                 n values from the last value to y1, rounded;
 *   2 indirect  [2, n, offset lo, hi]      the n segments starting at that offset again.
 * The standard calls the indirect offset a byte offset; pydicom and GDCM read it as
 * an index into the 16-bit words, and so do we (files in the wild follow them).
 */
export function expandSegmentedLut(words: Uint16Array, count: number): Uint16Array {
  const out: number[] = [];
  expandSegments(words, 0, Infinity, out, 0);
  if (out.length < count)
    throw new DecodeError('damaged DICOM file (segmented PALETTE COLOR table shorter than its descriptor)');
  return Uint16Array.from(out.slice(0, count));
}

function expandSegments(words: Uint16Array, start: number, maxSegments: number, out: number[], depth: number): void {
  if (depth > 2) throw new DecodeError('damaged DICOM file (segmented PALETTE COLOR table refers to itself)');
  let at = start;
  // `at + 1`: the data may end in one padding word; every segment is longer than that
  for (let read = 0; read < maxSegments && at + 1 < words.length; read++) {
    const opcode = words[at];
    const n = words[at + 1];
    at += 2;
    if (opcode === 0) {
      if (at + n > words.length)
        throw new DecodeError('damaged DICOM file (segmented PALETTE COLOR segment past the end of its data)');
      for (let k = 0; k < n; k++) out.push(words[at + k]);
      at += n;
    } else if (opcode === 1) {
      if (out.length === 0)
        throw new DecodeError('damaged DICOM file (segmented PALETTE COLOR table starts with a linear segment)');
      const y0 = out[out.length - 1];
      const y1 = words[at++];
      for (let k = 1; k <= n; k++) out.push(Math.round(y0 + ((y1 - y0) * k) / n));
    } else if (opcode === 2) {
      if (out.length === 0)
        throw new DecodeError('damaged DICOM file (segmented PALETTE COLOR table starts with an indirect segment)');
      const offset = words[at] + words[at + 1] * 0x10000;
      at += 2;
      if (offset >= words.length)
        throw new DecodeError('damaged DICOM file (segmented PALETTE COLOR segment past the end of its data)');
      expandSegments(words, offset, n, out, depth + 1);
    } else {
      throw new DecodeError(`damaged DICOM file (segmented PALETTE COLOR segment of unknown type ${opcode})`);
    }
    if (out.length > 65536)
      throw new DecodeError('damaged DICOM file (segmented PALETTE COLOR table longer than 65536 entries)');
  }
}
