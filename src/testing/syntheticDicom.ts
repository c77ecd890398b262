/**
 * Builds small synthetic DICOM Part 10 files (explicit VR little endian, or any
 * transfer syntax UID you name) for tests of cases no sample file covers:
 * MONOCHROME1, PALETTE COLOR, signed 12-bit with rescale and window, lookup-table
 * sequences, refusals.
 * Test-only; the images are synthetic and carry no patient data.
 */
export interface SyntheticElement {
  tag: [number, number];
  vr: string;
  /** strings are space-padded (UI: NUL-padded); numbers are written as US; bytes as is; SQ: its items */
  value: string | number[] | Uint8Array | SyntheticElement[][];
}

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

export function syntheticDicom(elements: SyntheticElement[], transferSyntaxUid = '1.2.840.10008.1.2.1'): Uint8Array {
  const meta = encodeElements([
    { tag: [0x0002, 0x0001], vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: [0x0002, 0x0002], vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: [0x0002, 0x0003], vr: 'UI', value: '1.2.3.4.5.6.7.8.9' },
    { tag: [0x0002, 0x0010], vr: 'UI', value: transferSyntaxUid },
  ]);
  const groupLength = encodeElements([
    { tag: [0x0002, 0x0000], vr: 'UL', value: new Uint8Array(new Uint32Array([meta.length]).buffer) },
  ]);
  const body = encodeElements(sortByTag(elements));
  const out = new Uint8Array(132 + groupLength.length + meta.length + body.length);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(groupLength, 132);
  out.set(meta, 132 + groupLength.length);
  out.set(body, 132 + groupLength.length + meta.length);
  return out;
}

function encodeElements(elements: SyntheticElement[]): Uint8Array {
  const parts: number[] = [];
  for (const { tag, vr, value } of elements) {
    let bytes: Uint8Array;
    if (vr === 'SQ') {
      // items of defined length: (FFFE,E000), length, the item's elements
      const items = (value as SyntheticElement[][]).map((item) => encodeElements(sortByTag(item)));
      bytes = new Uint8Array(items.reduce((n, item) => n + 8 + item.length, 0));
      let at = 0;
      for (const item of items) {
        bytes.set([0xfe, 0xff, 0x00, 0xe0, ...u32(item.length)], at);
        bytes.set(item, at + 8);
        at += 8 + item.length;
      }
    } else if (typeof value === 'string') {
      bytes = new TextEncoder().encode(value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value);
    } else if (Array.isArray(value)) {
      bytes = new Uint8Array(new Uint16Array(value as number[]).buffer);
    } else {
      const raw = value as Uint8Array;
      bytes = raw.length % 2 ? new Uint8Array([...raw, 0]) : raw;
    }
    parts.push(tag[0] & 0xff, tag[0] >> 8, tag[1] & 0xff, tag[1] >> 8, vr.charCodeAt(0), vr.charCodeAt(1));
    if (LONG_VRS.has(vr)) parts.push(0, 0, ...u32(bytes.length));
    else parts.push(bytes.length & 0xff, bytes.length >> 8);
    for (const b of bytes) parts.push(b);
  }
  return new Uint8Array(parts);
}

function sortByTag(elements: SyntheticElement[]): SyntheticElement[] {
  return [...elements].sort((a, b) => a.tag[0] - b.tag[0] || a.tag[1] - b.tag[1]);
}

function u32(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
}

/** The Image Pixel attributes every synthetic image needs. */
export function imagePixelModule(o: {
  rows: number;
  columns: number;
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  signed?: boolean;
  samplesPerPixel?: number;
  pixelData: Uint8Array;
}): SyntheticElement[] {
  return [
    { tag: [0x0008, 0x0060], vr: 'CS', value: 'OT' },
    { tag: [0x0028, 0x0002], vr: 'US', value: [o.samplesPerPixel ?? 1] },
    { tag: [0x0028, 0x0004], vr: 'CS', value: o.photometric },
    { tag: [0x0028, 0x0010], vr: 'US', value: [o.rows] },
    { tag: [0x0028, 0x0011], vr: 'US', value: [o.columns] },
    { tag: [0x0028, 0x0100], vr: 'US', value: [o.bitsAllocated] },
    { tag: [0x0028, 0x0101], vr: 'US', value: [o.bitsStored] },
    { tag: [0x0028, 0x0102], vr: 'US', value: [o.bitsStored - 1] },
    { tag: [0x0028, 0x0103], vr: 'US', value: [o.signed ? 1 : 0] },
    { tag: [0x7fe0, 0x0010], vr: o.bitsAllocated > 8 ? 'OW' : 'OB', value: o.pixelData },
  ];
}
