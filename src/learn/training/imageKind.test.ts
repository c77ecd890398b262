import { describe, expect, it } from 'vitest';
import { AUGMENTATION_FOR, imageKindOf } from './imageKind';

describe('imageKindOf', () => {
  it('tells histology and MRI sets by their classes, whatever the folder is called', () => {
    expect(imageKindOf(['lung_aca', 'lung_n', 'lung_scc'])).toBe('histology');
    expect(imageKindOf(['glioma', 'meningioma', 'notumor', 'pituitary'])).toBe('mri');
    expect(AUGMENTATION_FOR[imageKindOf(['lung_aca', 'lung_n'])!]).toBe('histology');
  });

  it('has no kind for unknown, mixed or no classes', () => {
    expect(imageKindOf(['cats', 'dogs'])).toBeUndefined();
    expect(imageKindOf(['lung_aca', 'cats'])).toBeUndefined();
    expect(imageKindOf(['lung_aca', 'glioma'])).toBeUndefined();
    expect(imageKindOf([])).toBeUndefined();
    expect(imageKindOf(['toString'])).toBeUndefined();
  });
});
