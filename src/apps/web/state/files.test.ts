/**
 * Which modality a loaded file declares: its DICOM's, or, for a scan reloaded from a shared
 * package as PNG, the original's kept beside it, so a shared CT is still refused by a brain-MRI
 * model; a PNG or JPEG the user picked declares none, and the image check alone decides.
 */
import { describe, expect, it } from 'vitest';
import { refusalSentence } from '../../../lib/diagnosis/declaredModality';
import { declaredModalityOf, type ScanFile } from './files';

const BRAIN = ['glioma', 'meningioma', 'notumor', 'pituitary'];
const file = (extra: Partial<ScanFile>): ScanFile =>
  ({ id: 'f1', label: 'scan-1', status: 'ready', frame: 0, voi: 0, ...extra }) as ScanFile;

describe('declaredModalityOf', () => {
  it("a shared CT reloaded as PNG keeps its modality, and the brain model's refusal with it", () => {
    const shared = file({ decoded: { format: 'png' } as ScanFile['decoded'], declaredModality: 'CT' });
    expect(declaredModalityOf(shared)).toBe('CT');
    expect(refusalSentence(BRAIN, { inDomain: true }, declaredModalityOf(shared))).toMatch(
      /^The file says it is a CT \(DICOM Modality CT\); this model reads brain MRI/,
    );
  });

  it("the DICOM's own declaration first; none for a picked PNG", () => {
    const dicom = file({ decoded: { format: 'dicom', dicom: { modality: 'MR' } } as ScanFile['decoded'] });
    expect(declaredModalityOf(dicom)).toBe('MR');
    const png = file({ decoded: { format: 'png' } as ScanFile['decoded'] });
    expect(declaredModalityOf(png)).toBeUndefined();
    expect(refusalSentence(BRAIN, { inDomain: true }, declaredModalityOf(png))).toBeUndefined();
  });
});
