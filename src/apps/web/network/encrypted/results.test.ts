import { describe, expect, it } from 'vitest';
import { createRgbImage } from '../../../../lib/image/rgb';
import { resultFor, type EncryptedResult } from './results';

const frame1 = createRgbImage(1, 1);
const frame2 = createRgbImage(1, 1);
const answer = { model: 'vit-brain-mri', fileId: 'scan-1', input: frame1 } as EncryptedResult;

describe('resultFor', () => {
  it('shows a scan its answer only for the model and the image it was computed on', () => {
    const results = { 'scan-1': answer };
    expect(resultFor(results, { id: 'scan-1', modelInput: frame1 }, 'vit-brain-mri')).toBe(answer);
    // another model chosen since: not under its name
    expect(resultFor(results, { id: 'scan-1', modelInput: frame1 }, 'vit-lung-histopathology')).toBeUndefined();
    // another frame of the same scan decoded since
    expect(resultFor(results, { id: 'scan-1', modelInput: frame2 }, 'vit-brain-mri')).toBeUndefined();
    expect(resultFor(results, { id: 'scan-2', modelInput: frame1 }, 'vit-brain-mri')).toBeUndefined();
    expect(resultFor(results, undefined, 'vit-brain-mri')).toBeUndefined();
  });
});
