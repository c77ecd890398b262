/**
 * Identifying attributes from the DICOM Basic Application Level Confidentiality
 * Profile (PS3.15 Annex E, table E.1-1, all of it: confidentialityProfile.ts), by tag. Used only to say WHICH of them a
 * file carries, so the app can warn before anything is shared. Plus the risks
 * that sit outside named attributes: text burned into the pixels, overlay
 * planes, private (vendor) attributes.
 * This module must never read, copy or return an identifying attribute's value
 * (it reads one coded value: Burned In Annotation, YES or NO).
 */
import type { DataSet } from 'dicom-parser';
import type { HiddenIdentifierRisks } from '../types';
import { CONFIDENTIALITY_PROFILE, REPEATING_GROUP_ROWS } from './confidentialityProfile';

/**
 * dicom-parser tag key ("x00100010") -> DICOM keyword, in tag order: every
 * fixed-tag row of table E.1-1, plus two dates and two times kept from our earlier
 * list that the transcribed edition does not have (instance creation, last
 * calibration: they narrow down when and where a scan was made).
 */
export const IDENTIFYING_ATTRIBUTES: Readonly<Record<string, string>> = Object.fromEntries(
  [
    ...Object.entries(CONFIDENTIALITY_PROFILE).map(([tag, [keyword]]): [string, string] => [tag, keyword]),
    ['x00080012', 'InstanceCreationDate'],
    ['x00080013', 'InstanceCreationTime'],
    ['x00181200', 'DateOfLastCalibration'],
    ['x00181201', 'TimeOfLastCalibration'],
  ].sort(([a], [b]) => a.localeCompare(b)),
);

/**
 * Keywords of the identifying attributes present with a non-empty value, in tag
 * order; then those found only inside sequence items (any depth), as
 * "PatientName (in a sequence)": a referenced-request or other-patient item
 * carries the same kinds of data. Emptiness is judged from the element's length
 * only (padding-only strings count as empty), so values are looked at byte-wise
 * and thrown away at once.
 */
export function identifyingAttributesIn(dataSet: DataSet): string[] {
  const topLevel = new Set<string>();
  collect(dataSet, topLevel);
  const nested = new Set<string>();
  collectInItems(dataSet, nested, 1);
  const keywords = [
    ...new Set([...Object.values(IDENTIFYING_ATTRIBUTES), ...REPEATING_GROUP_ROWS.map((r) => r.keyword)]),
  ];
  return [
    ...keywords.filter((k) => topLevel.has(k)),
    ...keywords.filter((k) => nested.has(k) && !topLevel.has(k)).map((k) => `${k} (in a sequence)`),
  ];
}

function collect(dataSet: DataSet, into: Set<string>): void {
  for (const [tag, keyword] of Object.entries(IDENTIFYING_ATTRIBUTES)) {
    const element = dataSet.elements[tag];
    if (element && hasValue(dataSet, element)) into.add(keyword);
  }
  for (const [tag, element] of Object.entries(dataSet.elements)) {
    const row = repeatingGroupRow(tag);
    if (row && hasValue(dataSet, element)) into.add(row.keyword);
  }
}

/** A sequence with items, or a value that is not just padding. */
function hasValue(dataSet: DataSet, element: DataSet['elements'][string]): boolean {
  if (element.items) return element.items.length > 0;
  return element.length > 0 && !isPaddingOnly(dataSet.byteArray, element.dataOffset, element.length);
}

/** The repeating-group row a tag falls under, if any. */
function repeatingGroupRow(tag: string): (typeof REPEATING_GROUP_ROWS)[number] | undefined {
  const { group, element } = splitTag(tag);
  return REPEATING_GROUP_ROWS.find(
    (r) => inRepeatingGroup(group, r.groupBase) && (r.element === undefined || r.element === element),
  );
}

/** The even groups base..base+1E: the 16 curve (5000) or overlay (6000) groups. */
const inRepeatingGroup = (group: number, base: number) => group >= base && group <= base + 0x1e && group % 2 === 0;

const splitTag = (tag: string) => ({ group: parseInt(tag.slice(1, 5), 16), element: parseInt(tag.slice(5, 9), 16) });

/** Sequences nest; real files go 3–4 deep. The bound only guards against pathological files. */
const MAX_SEQUENCE_DEPTH = 16;

/** Collects from the items of every sequence in `dataSet`, and from theirs. */
function collectInItems(dataSet: DataSet, into: Set<string>, depth: number): void {
  if (depth > MAX_SEQUENCE_DEPTH) return;
  for (const element of Object.values(dataSet.elements)) {
    for (const item of element.items ?? []) {
      if (!item.dataSet) continue;
      collect(item.dataSet, into);
      collectInItems(item.dataSet, into, depth + 1);
    }
  }
}

function isPaddingOnly(bytes: Uint8Array, offset: number, length: number): boolean {
  const end = Math.min(bytes.length, offset + length);
  for (let i = offset; i < end; i++) if (bytes[i] !== 0x20 && bytes[i] !== 0x00) return false;
  return true;
}

/** Burned-in text flag, overlay planes, private attributes: counted, none of their values read. */
export function hiddenIdentifierRisks(dataSet: DataSet): HiddenIdentifierRisks {
  let overlayPlanes = 0;
  let privateAttributes = 0;
  for (const tag of Object.keys(dataSet.elements)) {
    const { group, element } = splitTag(tag);
    // (60xx,3000) is Overlay Data
    if (inRepeatingGroup(group, 0x6000) && element === 0x3000) overlayPlanes++;
    // odd groups past the command/file-meta range are private (0001-0007 and FFFF are not allowed to be)
    if (group % 2 === 1 && group > 0x0007 && group !== 0xffff) privateAttributes++;
  }
  const burned = dataSet.string('x00280301');
  return { burnedInAnnotation: burned?.trim().toUpperCase() === 'YES', overlayPlanes, privateAttributes };
}
