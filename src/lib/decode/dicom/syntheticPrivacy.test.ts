/**
 * Whole-decoder tests on synthetic files for what the decoder must say about
 * privacy: every row of table E.1-1 named (rarer rows, repeating groups), identifying
 * attributes inside sequence items (names, never values), burned-in text, overlay
 * planes and private attributes counted without being read. The pixel pipeline's
 * cases are in synthetic.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { decodeDicom } from './decodeDicom';
import { imagePixelModule, syntheticDicom, type SyntheticElement } from '../../../testing/syntheticDicom';

describe('synthetic DICOM: what the decoder says about identifying content', () => {
  it('covers the whole of table E.1-1: rarer rows, overlay comments and curve data in any of their repeating groups', async () => {
    const pixels = imagePixelModule({
      rows: 1,
      columns: 2,
      photometric: 'MONOCHROME2',
      bitsAllocated: 8,
      bitsStored: 8,
      pixelData: new Uint8Array([0, 255]),
    });
    const elements: SyntheticElement[] = [
      ...pixels,
      // rows the earlier 131-row list lacked: Acquisition Comments (X), Branch of Service (X), Verifying Observer Name (D)
      { tag: [0x0018, 0x4000], vr: 'LT', value: 'scanned by Dr Who' },
      { tag: [0x0010, 0x1081], vr: 'LO', value: 'Navy' },
      { tag: [0x0040, 0xa075], vr: 'PN', value: 'Smith^J' },
      // overlay comments in the second overlay group (6002), curve data in the fourth curve group (5006)
      { tag: [0x6002, 0x4000], vr: 'LT', value: 'J. Doe, left' },
      { tag: [0x5006, 0x3000], vr: 'OW', value: new Uint8Array([1, 2]) },
      // not a repeating group: odd group 6001 is private, counted as such and not named
      { tag: [0x6001, 0x0010], vr: 'LO', value: 'VENDOR' },
    ];
    const decoded = await decodeDicom(syntheticDicom(elements));
    expect(decoded.dicom?.identifyingAttributes).toEqual([
      'MediaStorageSOPInstanceUID',
      'BranchOfService',
      'AcquisitionComments',
      'VerifyingObserverName',
      'CurveData',
      'OverlayComments',
    ]);
    expect(JSON.stringify(decoded.dicom)).not.toMatch(/Who|Navy|Smith|Doe|VENDOR/);
    expect(decoded.dicom?.hiddenIdentifierRisks).toMatchObject({ overlayPlanes: 0, privateAttributes: 1 });
  });

  it('names identifying attributes inside sequence items too, never their values', async () => {
    const pixels = imagePixelModule({
      rows: 1,
      columns: 2,
      photometric: 'MONOCHROME2',
      bitsAllocated: 8,
      bitsStored: 8,
      pixelData: new Uint8Array([0, 255]),
    });
    const elements: SyntheticElement[] = [
      ...pixels,
      { tag: [0x0010, 0x0010], vr: 'PN', value: 'Doe^Jane' },
      // Request Attributes Sequence > Requested Procedure ID, and two levels down Patient Name again
      {
        tag: [0x0040, 0x0275],
        vr: 'SQ',
        value: [
          [
            { tag: [0x0040, 0x1001], vr: 'SH', value: 'RP-77' },
            {
              tag: [0x0008, 0x1110],
              vr: 'SQ',
              value: [
                [
                  { tag: [0x0010, 0x0010], vr: 'PN', value: 'Doe^Jane' },
                  { tag: [0x0010, 0x0020], vr: 'LO', value: 'ID-5' },
                ],
              ],
            },
          ],
        ],
      },
      // an empty nested value is not reported
      { tag: [0x0008, 0x1111], vr: 'SQ', value: [[{ tag: [0x0008, 0x0080], vr: 'LO', value: '  ' }]] },
    ];
    const decoded = await decodeDicom(syntheticDicom(elements));
    // the sequences are listed themselves (table E.1-1), so is the file meta's instance UID; in tag order, then the nested ones
    expect(decoded.dicom?.identifyingAttributes).toEqual([
      'MediaStorageSOPInstanceUID',
      'ReferencedPerformedProcedureStepSequence',
      'PatientName',
      'RequestAttributesSequence',
      'ReferencedStudySequence (in a sequence)',
      'PatientID (in a sequence)',
      'RequestedProcedureID (in a sequence)',
    ]);
    expect(JSON.stringify(decoded.dicom)).not.toMatch(/Doe|RP-77|ID-5/);
    expect(decoded.dicom?.hiddenIdentifierRisks).toEqual({
      burnedInAnnotation: false,
      overlayPlanes: 0,
      privateAttributes: 0,
    });
  });

  it('counts burned-in text, overlay planes and private attributes without reading them', async () => {
    const elements: SyntheticElement[] = [
      ...imagePixelModule({
        rows: 1,
        columns: 2,
        photometric: 'MONOCHROME2',
        bitsAllocated: 8,
        bitsStored: 8,
        pixelData: new Uint8Array([0, 255]),
      }),
      { tag: [0x0028, 0x0301], vr: 'CS', value: 'YES ' },
      // two overlay planes (groups 6000 and 6002), each with its Overlay Data; rows alone do not count
      { tag: [0x6000, 0x0010], vr: 'US', value: new Uint8Array([1, 0]) },
      { tag: [0x6000, 0x3000], vr: 'OW', value: new Uint8Array([0xff, 0]) },
      { tag: [0x6002, 0x3000], vr: 'OW', value: new Uint8Array([0x0f, 0]) },
      // a private creator and one private value in group 0009
      { tag: [0x0009, 0x0010], vr: 'LO', value: 'ACME 1.0' },
      { tag: [0x0009, 0x1001], vr: 'LO', value: 'Doe^Jane' },
    ];
    const decoded = await decodeDicom(syntheticDicom(elements));
    expect(decoded.dicom?.hiddenIdentifierRisks).toEqual({
      burnedInAnnotation: true,
      overlayPlanes: 2,
      privateAttributes: 2,
    });
    expect(JSON.stringify(decoded.dicom)).not.toMatch(/Doe|ACME/);
    const no = elements.map((e) => (e.tag[1] === 0x0301 ? { ...e, value: 'NO' } : e));
    expect((await decodeDicom(syntheticDicom(no))).dicom?.hiddenIdentifierRisks?.burnedInAnnotation).toBe(false);
  });
});
