/** The groups file splits a copy component that spans classes, and leaves one-class components as they were. */
import { describe, expect, it } from 'vitest';
import { groupsByClass } from './groupsFile';

describe('groupsByClass', () => {
  it('gives each class part of a component its own group, keeping single-class components whole', () => {
    const files = [
      'Training/glioma/a.jpg',
      'Training/glioma/b.jpg',
      'Training/meningioma/c.jpg',
      'Testing/glioma/d.jpg',
      'Testing/notumor/e.jpg',
    ];
    // a, b, c and d are one component (c through a look-alike edge); e alone
    const ids = groupsByClass(files, [7, 7, 7, 7, 3]);
    expect(ids).toEqual([7, 7, 8, 7, 3]);
  });

  it('leaves a file of single-class components as it was', () => {
    expect(groupsByClass(['Training/x/1', 'Training/x/2', 'Training/y/3'], [5, 9, 4])).toEqual([5, 9, 4]);
  });
});
