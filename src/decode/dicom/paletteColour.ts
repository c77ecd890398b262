/**
 * PALETTE COLOR: each stored value indexes three lookup tables (red, green, blue)
 * given by the Palette Color LUT Descriptor and LUT Data attributes (PS3.3
 * C.7.6.3.1.5). Values below the first mapped value take the first entry, values
 * past the end the last one. Segmented palettes are refused by name rather than
 * approximated. Pure lookup: no windowing, no DOM.
 */
import type { DataSet } from 'dicom-parser';
import { DecodeError } from '../errors';

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
    if (dataSet.elements[channel.segmented] && !dataSet.elements[channel.data]) {
      throw new DecodeError('unsupported colour model (segmented PALETTE COLOR)');
    }
    const descriptor = dataSet.elements[channel.descriptor];
    const data = dataSet.elements[channel.data];
    if (!descriptor || !data || data.length === 0) throw new DecodeError('damaged DICOM file (PALETTE COLOR without its colour tables)');
    const entries = dataSet.uint16(channel.descriptor, 0) || 65536; // 0 means 2^16 entries
    // The first mapped value is US or SS depending on Pixel Representation; read its 16 bits as the header says.
    const firstRaw = dataSet.uint16(channel.descriptor, 1) ?? 0;
    firstMapped = dataSet.uint16('x00280103') === 1 && firstRaw >= 0x8000 ? firstRaw - 0x10000 : firstRaw;
    const bitsPerEntry = dataSet.uint16(channel.descriptor, 2) ?? 16;
    const bytes = new Uint8Array(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset + data.dataOffset, Math.min(data.length, dataSet.byteArray.length - data.dataOffset));
    tables.push(tableTo8Bit(bytes, entries, bitsPerEntry, dataSet));
  }
  return { firstMapped, red: tables[0], green: tables[1], blue: tables[2] };
}

/** LUT Data is 16-bit words; 8-bit tables are sometimes packed one entry per byte. */
function tableTo8Bit(bytes: Uint8Array, entries: number, bitsPerEntry: number, dataSet: DataSet): Uint8Array {
  const out = new Uint8Array(entries);
  if (bitsPerEntry === 8 && bytes.length === entries + (entries % 2)) {
    out.set(bytes.subarray(0, entries));
    return out;
  }
  if (bytes.length < entries * 2) throw new DecodeError('damaged DICOM file (PALETTE COLOR table shorter than its descriptor)');
  for (let i = 0; i < entries; i++) {
    const word = dataSet.byteArrayParser.readUint16(bytes, 2 * i);
    out[i] = bitsPerEntry === 8 ? word & 0xff : word >> 8;
  }
  return out;
}

export function applyPalette(values: Float64Array, palette: Palette, width: number, height: number): { width: number; height: number; data: Uint8Array } {
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
