import { describe, expect, it } from 'vitest';
import { augmentationFor } from './train';
import { UsageError } from '../args';

describe('augmentationFor', () => {
  it('takes the augmentation from the images kind, not the folder name', () => {
    expect(augmentationFor(undefined, 'histology', '.cache/cv/lung-histopathology/fold-1/Training')).toBe('histology');
    expect(augmentationFor(undefined, 'mri', 'fold-2/Training')).toBe('mri');
  });

  it('lets --augment override the kind, and refuses an unknown one', () => {
    expect(augmentationFor('none', 'histology', 'x')).toBe('none');
    expect(() => augmentationFor('stain', 'histology', 'x')).toThrow(UsageError);
  });

  it('asks for --augment when the classes do not tell the kind', () => {
    expect(() => augmentationFor(undefined, undefined, 'pets/Training')).toThrow(/name --augment/);
  });
});
