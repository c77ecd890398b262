import { describe, expect, it } from 'vitest';
import { imagePixelModule, syntheticDicom } from '../../../testing/syntheticDicom';
import { DESCRIPTIVE_TAGS, readDescriptiveAttributes } from './descriptiveAttributes';
import { IDENTIFYING_ATTRIBUTES } from './identifying';
import { parseDicomBytes } from './parseDataset';

describe('readDescriptiveAttributes', () => {
  it('reads no tag of the confidentiality profile', () => {
    for (const tag of Object.values(DESCRIPTIVE_TAGS)) expect(IDENTIFYING_ATTRIBUTES[tag], tag).toBeUndefined();
  });

  it('reads the allow-listed values, skipping a too-long text', () => {
    const file = syntheticDicom([
      ...imagePixelModule({
        rows: 1,
        columns: 1,
        photometric: 'MONOCHROME2',
        bitsAllocated: 8,
        bitsStored: 8,
        pixelData: new Uint8Array([0]),
      }),
      { tag: [0x0008, 0x0070], vr: 'LO', value: 'ACME' },
      { tag: [0x0008, 0x1090], vr: 'LO', value: 'x'.repeat(80) },
      { tag: [0x0018, 0x0060], vr: 'DS', value: '120' },
      { tag: [0x0028, 0x0030], vr: 'DS', value: '0.5\\0.75' },
      { tag: [0x0018, 0x1063], vr: 'DS', value: '40' },
    ]);
    expect(readDescriptiveAttributes(parseDicomBytes(file).dataSet)).toEqual({
      manufacturer: 'ACME',
      kvp: 120,
      pixelSpacing: [0.5, 0.75],
      frameTime: 40,
    });
  });
});
