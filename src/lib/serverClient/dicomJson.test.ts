import { describe, expect, it } from 'vitest';
import { dicomDateTimeToIso, studySummariesFromDicomJson } from './dicomJson';
import { ServerProtocolError } from './errors';

function item(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '0020000D': { vr: 'UI', Value: ['2.25.123456789'] },
    '00080061': { vr: 'CS', Value: ['MR'] },
    '00201208': { vr: 'IS', Value: ['3'] },
    '00110010': { vr: 'LO', Value: ['CIPHERSCAN'] },
    '00111010': { vr: 'LO', Value: ['alice'] },
    '00111011': { vr: 'DT', Value: ['20261202211500.250+0100'] },
    '00111012': { vr: 'UL', Value: [40960] },
    '00111013': { vr: 'UL', Value: [2] },
    ...overrides,
  };
}

describe('studySummariesFromDicomJson', () => {
  it('reads the contract tags of an owned study', () => {
    const [study] = studySummariesFromDicomJson([item()]);
    expect(study).toEqual({
      uid: '2.25.123456789',
      modality: 'MR',
      frames: 3,
      ownerName: 'alice',
      uploadedAt: '2026-12-02T20:15:00.250Z',
      packageBytes: 40960,
      version: 2,
    });
  });

  it('reads purpose and end date of a shared study, and IS given as a number', () => {
    const [study] = studySummariesFromDicomJson([
      item({
        '00201208': { vr: 'IS', Value: [7] },
        '00111014': { vr: 'CS', Value: ['second-opinion'] },
        '00111015': { vr: 'DT', Value: ['20270101'] },
      }),
    ]);
    expect(study.frames).toBe(7);
    expect(study.purpose).toBe('second-opinion');
    expect(study.until).toBe('2027-01-01T00:00:00.000Z');
  });

  it("reads the server's DT form and a grant without an end (DT without a value)", () => {
    const [study] = studySummariesFromDicomJson([
      item({
        '00111011': { vr: 'DT', Value: ['20261202211500.123000+0000'] },
        '00111014': { vr: 'CS', Value: ['treatment'] },
        '00111015': { vr: 'DT' },
      }),
    ]);
    expect(study.uploadedAt).toBe('2026-12-02T21:15:00.123Z');
    expect(study.purpose).toBe('treatment');
    expect(study.until).toBeUndefined();
  });

  it('accepts ISO times as sent and an empty list', () => {
    const [study] = studySummariesFromDicomJson([item({ '00111011': { vr: 'DT', Value: ['2026-12-02T21:00:00Z'] } })]);
    expect(study.uploadedAt).toBe('2026-12-02T21:00:00Z');
    expect(studySummariesFromDicomJson([])).toEqual([]);
  });

  it('refuses what the contract does not allow', () => {
    const bad: unknown[] = [
      {},
      [item({ '0020000D': undefined })],
      [item({ '0020000D': { vr: 'UI', Value: ['not a uid'] } })],
      [item({ '00201208': { vr: 'IS', Value: ['-1'] } })],
      [item({ '00111012': { vr: 'UL', Value: ['lots'] } })],
      [item({ '00110010': { vr: 'LO', Value: ['SOMEONE ELSE'] } })],
      [item({ '00111011': { vr: 'DT', Value: ['yesterday'] } })],
      ['a string'],
    ];
    for (const answer of bad) expect(() => studySummariesFromDicomJson(answer)).toThrow(ServerProtocolError);
  });
});

describe('dicomDateTimeToIso', () => {
  it('reads DICOM DT with and without an offset', () => {
    expect(dicomDateTimeToIso('20261202211500')).toBe('2026-12-02T21:15:00.000Z');
    expect(dicomDateTimeToIso('20261202211500.5-0230')).toBe('2026-12-02T23:45:00.500Z');
  });
});
