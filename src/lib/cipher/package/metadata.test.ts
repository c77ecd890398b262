import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '../../decode/types';
import { generateKey } from '../../keys/key';
import { packImage, unpackImage } from './index';
import { syntheticDicom } from '../../../testing/packageImages';
import { packWithMetadata } from '../../../testing/craftedPackage';

const PHI = {
  patientName: 'Doe^Jane',
  PatientName: 'Doe^Jane',
  patientId: 'MRN-0042',
  patientBirthDate: '19700101',
  institutionName: 'St Example Hospital',
  studyInstanceUid: '1.2.3.4.5.6.7.8.9',
  accessionNumber: 'ACC99',
};

async function metadataJson(decoded: DecodedImage): Promise<string> {
  const key = await generateKey();
  return JSON.stringify((await unpackImage(await packImage(decoded, key), key)).metadata);
}

describe('package metadata is built from an allow-list', () => {
  it('keeps the allowed fields', async () => {
    const meta = JSON.parse(await metadataJson(syntheticDicom({ width: 8, height: 8, bits: 16, signed: true })));
    expect(meta.source).toMatchObject({
      format: 'dicom',
      width: 8,
      height: 8,
      frames: 1,
      frame: 0,
      modality: 'CT',
      transferSyntax: 'Explicit VR Little Endian',
      photometric: 'MONOCHROME2',
      bitsAllocated: 16,
      bitsStored: 12,
    });
    expect(meta.window).toMatchObject({ source: 'computed' });
    expect(meta.raw).toMatchObject({ bitsAllocated: 16, signed: true, samplesPerPixel: 1 });
  });

  it('drops identifying values a decoder might add, wherever they sit', async () => {
    const decoded = syntheticDicom({ width: 8, height: 8, bits: 16, signed: false, extra: { ...PHI, tags: PHI } });
    Object.assign(decoded, PHI, { patient: PHI });
    const json = await metadataJson(decoded);
    for (const value of Object.values(PHI)) expect(json).not.toContain(value);
    // Attribute names are not carried either.
    expect(json).not.toMatch(/patient/i);
  });

  it('drops code fields that do not look like codes (a name typed into Modality)', async () => {
    const decoded = syntheticDicom({
      width: 8,
      height: 8,
      bits: 8,
      signed: false,
      extra: {
        modality: 'Doe^Jane',
        photometricInterpretation: 'MONOCHROME2 Jane Doe',
        transferSyntaxName: 'x'.repeat(200),
      },
    });
    const meta = JSON.parse(await metadataJson(decoded));
    expect(meta.source.modality).toBeUndefined();
    expect(meta.source.photometric).toBeUndefined();
    expect(meta.source.transferSyntax).toBeUndefined();
    expect(JSON.stringify(meta)).not.toContain('Doe');
  });
});

describe('package metadata is allow-listed when a package is opened', () => {
  it('drops identifying fields a package made by other software carries', async () => {
    const key = await generateKey();
    const decoded = syntheticDicom({ width: 8, height: 8, bits: 16, signed: true });
    const pkg = await packWithMetadata(decoded, key, (m) => ({
      ...m,
      ...PHI,
      source: { ...(m.source as object), institution: 'St Example Hospital', modality: 'Doe^Jane' },
      raw: { ...(m.raw as object), patientId: 'MRN-0042' },
      display: { ...(m.display as object), note: 'Doe^Jane' },
      window: { center: 1, width: 2, source: 'file', operator: 'Dr Who' },
    }));
    const opened = await unpackImage(pkg, key);
    const json = JSON.stringify(opened.metadata);
    for (const value of [...Object.values(PHI), 'Dr Who']) expect(json).not.toContain(value);
    expect(json).not.toMatch(/patient|institution|operator|note/i);
    // what is allowed still comes through
    expect(opened.metadata.source).toMatchObject({ format: 'dicom', width: 8, height: 8, bitsStored: 12 });
    expect(opened.metadata.source.modality).toBeUndefined();
    expect(opened.metadata.window).toEqual({ center: 1, width: 2, source: 'file' });
  });

  it('refuses a package whose display recipe smuggles a string where a number belongs', async () => {
    const key = await generateKey();
    const decoded = syntheticDicom({ width: 8, height: 8, bits: 16, signed: true });
    const pkg = await packWithMetadata(decoded, key, (m) => ({
      ...m,
      display: { ...(m.display as object), min: 'Doe^Jane' },
    }));
    await expect(unpackImage(pkg, key)).rejects.toThrow(/metadata is incomplete/);
  });
});
