/**
 * PALETTE COLOR: each stored value indexes three lookup tables (red, green, blue)
 * given by the Palette Color LUT Descriptor and LUT Data attributes (PS3.3
 * C.7.6.3.1.5). Values below the first mapped value take the first entry, values
 * past the end the last one. Segmented palettes (C.7.9.2) are expanded to plain
 * tables first (lookupTables.ts). Pure lookup: no windowing, no DOM.
 */
import type { DataSet } from 'dicom-parser';
import { DecodeError } from '../errors';
import { elementBytes, expandSegmentedLut, lutWords, segmentedWords } from './lookupTables';

export interface Palette {
  firstMapped: number;
  /** 8-bit output per channel, one entry per mapped value */
  red: Uint8Array;
  green: Uint8Array;
  blue: Uint8Array;
}

const CHANNELS = [
  { name: 'red', descriptor: 'x00281101', data: 'x00281201', segmented: 'x00281221' },
  { name: 'green', descriptor: 'x00281102', data: 'x00281202', segmented: 'x00281222' },
  { name: 'blue', descriptor: 'x00281103', data: 'x00281203', segmented: 'x00281223' },
] as const;

export function readPalette(dataSet: DataSet): Palette {
  const tables: Uint8Array[] = [];
  let firstMapped = 0;
  for (const channel of CHANNELS) {
    const descriptor = dataSet.elements[channel.descriptor];
    const data = dataSet.elements[channel.data];
    const table = data ?? dataSet.elements[channel.segmented];
    if (!descriptor || !table || table.length === 0)
      throw new DecodeError('damaged DICOM file (PALETTE COLOR without its colour tables)');
    const entries = dataSet.uint16(channel.descriptor, 0) || 65536; // 0 means 2^16 entries
    // The first mapped value is US or SS depending on Pixel Representation; read its 16 bits as the header says.
    const firstRaw = dataSet.uint16(channel.descriptor, 1) ?? 0;
    firstMapped = dataSet.uint16('x00280103') === 1 && firstRaw >= 0x8000 ? firstRaw - 0x10000 : firstRaw;
    const bitsPerEntry = dataSet.uint16(channel.descriptor, 2) ?? 16;
    const words = data
      ? lutWords(elementBytes(dataSet, data), entries, bitsPerEntry, dataSet, 'PALETTE COLOR')
      : expandSegmentedLut(segmentedWords(dataSet, table), entries);
    // 8-bit output: 8-bit entries as they are, 16-bit entries by their top byte
    tables.push(Uint8Array.from(words, (w) => (bitsPerEntry === 8 ? w & 0xff : w >> 8)));
  }
  return { firstMapped, red: tables[0], green: tables[1], blue: tables[2] };
}

export function applyPalette(
  values: Float64Array,
  palette: Palette,
  width: number,
  height: number,
): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(values.length * 3);
  const last = palette.red.length - 1;
  for (let i = 0; i < values.length; i++) {
    const index = Math.min(last, Math.max(0, values[i] - palette.firstMapped));
    data[3 * i] = palette.red[index];
    data[3 * i + 1] = palette.green[index];
    data[3 * i + 2] = palette.blue[index];
  }
  return { width, height, data };
}
