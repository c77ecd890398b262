/**
 * The metadata panel's groups for a real CT: identifying attributes by name with the
 * value "present", and none of their values anywhere (read here only to look for them).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeDicom } from '../decode/dicom/decodeDicom';
import { parseDicomBytes } from '../decode/dicom/parseDataset';
import { metadataGroups } from './metadataGroups';

const bytes = new Uint8Array(readFileSync(resolve(process.cwd(), '../shared/dicom-samples/CT_small.dcm')));

describe('metadataGroups', () => {
  it('groups a CT for people, with identifying attributes only as "present"', async () => {
    const decoded = await decodeDicom(bytes);
    const groups = metadataGroups(decoded);
    expect(groups.map((g) => g.id)).toEqual(['image', 'acquisition', 'encoding', 'privacy']);
    const image = Object.fromEntries(groups[0].rows.map((r) => [r.label, r.value]));
    expect(image['Size (native)']).toBe('128 × 128 pixels');
    expect(image.Modality).toBe('CT');
    const privacy = groups.find((g) => g.id === 'privacy')!;
    expect(privacy.rows.filter((r) => r.value === 'present').map((r) => r.label)).toEqual(
      decoded.dicom!.identifyingAttributes,
    );
    expect(decoded.dicom!.identifyingAttributes).toContain('PatientName');

    const { dataSet } = parseDicomBytes(bytes);
    const secrets = ['x00100010', 'x00100020', 'x00080080', 'x00080090']
      .map((tag) => dataSet.string(tag)?.trim())
      .filter((v): v is string => !!v && v.length > 2);
    expect(secrets.length).toBeGreaterThan(0);
    const text = JSON.stringify(groups);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
