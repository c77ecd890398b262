/** The all-scans table lists every file: diagnosed ones with their result, failed ones with their reason. */
import { describe, expect, it } from 'vitest';
import type { FileDiagnosis } from '../state/diagnosis';
import type { ScanFile } from '../state/files';
import { allScansRows } from './allScansRows';

const file = (id: string, status: ScanFile['status'], error?: string) =>
  ({ id, label: id, status, error }) as unknown as ScanFile;
const result = { model: 'cnn-brain-mri', agree: true } as unknown as FileDiagnosis['result'];

describe('allScansRows', () => {
  it('gives every file a row, in order, with the result or the reason it has none', () => {
    const files = [
      file('scan-1', 'encrypted'),
      file('scan-2', 'error', 'not a PNG, JPEG or DICOM file'),
      file('scan-3', 'ready'),
      file('scan-4', 'ready'),
      file('scan-5', 'decoding'),
      file('scan-6', 'ready'),
    ];
    const byFile = {
      'scan-1': { 'cnn-brain-mri': { result, keyCheck: 'k' } },
      'scan-6': { 'cnn-brain-mri': { result, keyCheck: 'old' } }, // another key's: not shown
    };
    const failed = { 'scan-3': { 'cnn-brain-mri': { reason: 'out of memory', keyCheck: 'k' } } };
    const rows = allScansRows(files, byFile, failed, 'cnn-brain-mri', 'k');
    expect(rows.map((r) => [r.file.id, r.kind, 'reason' in r ? r.reason : ''])).toEqual([
      ['scan-1', 'diagnosed', ''],
      ['scan-2', 'failed', 'not decoded: not a PNG, JPEG or DICOM file'],
      ['scan-3', 'failed', 'diagnosis failed: out of memory'],
      ['scan-4', 'pending', 'not diagnosed yet'],
      ['scan-5', 'pending', 'loading…'],
      ['scan-6', 'pending', 'not diagnosed yet'],
    ]);
    // another model's failure is not this model's
    expect(allScansRows(files, byFile, failed, 'vit-brain-mri', 'k')[2].kind).toBe('pending');
  });
});
