import { describe, expect, it } from 'vitest';
import { classCounts, dealToHospitals, organise } from './dataset';

const lung = { name: 'vit-lung-histopathology', classes: ['lung_aca', 'lung_n', 'lung_scc'] };
const brain = { name: 'vit-brain-mri', classes: ['glioma', 'meningioma', 'notumor', 'pituitary'] };
const id = (p: string) => p;

describe('organising the picked folder', () => {
  it('uses Training/Testing folders and the model whose classes name the folders', () => {
    const files = [
      'lung/Training/lung_aca/a1.jpeg',
      'lung/Training/lung_n/n1.jpeg',
      'lung/Training/lung_scc/s1.png',
      'lung/Testing/lung_n/n9.jpeg',
      'lung/Training/lung_n/notes.txt',
    ];
    const set = organise(files, id, [brain, lung], 1);
    if ('error' in set) throw new Error(set.error);
    expect(set.model.name).toBe('vit-lung-histopathology');
    expect(set.testFrom).toBe('Testing folder');
    expect(set.train.map((t) => t.label)).toEqual([0, 1, 2]);
    expect(set.test).toEqual([{ file: 'lung/Testing/lung_n/n9.jpeg', label: 1 }]);
  });

  it('holds out a seeded fifth of each class when there is no Testing folder', () => {
    const files = ['glioma', 'notumor'].flatMap((c) => Array.from({ length: 10 }, (_, i) => `mri/${c}/${i}.jpg`));
    const a = organise(files, id, [lung, brain], 7);
    const b = organise(files, id, [lung, brain], 7);
    if ('error' in a || 'error' in b) throw new Error('unexpected');
    expect(a.model.name).toBe('vit-brain-mri');
    expect(a.testFrom).toBe('seeded hold-out');
    expect(a.test.length).toBe(4);
    expect(classCounts(a.test, 4)).toEqual([2, 0, 2, 0]);
    expect(a.test).toEqual(b.test);
    expect(new Set([...a.train, ...a.test].map((t) => t.file)).size).toBe(20);
  });

  it('says why when folders are not a model’s classes, or files have no folder', () => {
    const wrong = organise(['x/cats/1.jpg', 'x/dogs/2.jpg'], id, [lung], 1);
    expect('error' in wrong && wrong.error).toMatch(/cats, dogs.*lung_aca, lung_n, lung_scc/);
    const loose = organise(['1.jpg'], id, [lung], 1);
    expect('error' in loose && loose.error).toMatch(/Pick a folder/);
    expect('error' in organise(['a/b/readme.md'], id, [lung], 1)).toBe(true);
  });

  it('deals disjoint shares to the hospitals, IID or label-skewed', () => {
    const train = Array.from({ length: 90 }, (_, i) => ({ file: `f${i}`, label: i % 3 }));
    for (const split of [{ kind: 'iid' as const }, { kind: 'dirichlet' as const, alpha: 0.5 }]) {
      const shares = dealToHospitals(train, 3, split, 3);
      const all = shares.flat().map((s) => s.file);
      expect(all.length).toBe(90);
      expect(new Set(all).size).toBe(90);
    }
    const iid = dealToHospitals(train, 3, { kind: 'iid' }, 3);
    expect(iid.map((s) => s.length)).toEqual([30, 30, 30]);
  });
});
