/**
 * The report's figures by originals: held-out files mapped to their originals through
 * the fold's groups file (refused where one is missing), answers checked against the
 * Wilson row's counts, the nested rule's answers selected by each fold's threshold, and
 * a per-image record that pairs two reports only on the same images.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wilson } from '../src/learn/evaluation/domainGuardReport';
import { foldHeldOutGroups, HeldOutOriginals, originalsCell, type HeldOutPart } from './cvOriginals';

const fold = mkdtempSync(join(tmpdir(), 'cv-originals-'));
mkdirSync(fold, { recursive: true });
writeFileSync(
  join(fold, 'groups.json'),
  JSON.stringify({
    group: { 'Testing/a/Training__x.jpeg': 7, 'Testing/a/Testing__y.jpeg': 7, 'Training/a/z.jpeg': 3 },
  }),
);

// two folds of two images; original 7 holds both images of fold 1
const part = (probabilities: number[][], labels: number[]): HeldOutPart => ({ probabilities, labels });
const sure = (c: number, p = 0.99) => (c === 0 ? [p, 1 - p] : [1 - p, p]);
const vit = [part([sure(0), sure(0)], [0, 0]), part([sure(1, 0.6), sure(0)], [1, 1])];

describe('foldHeldOutGroups', () => {
  it("maps held-out files to their originals by the fold's own paths", () => {
    expect(foldHeldOutGroups(fold, ['a/Training__x.jpeg', 'a/Testing__y.jpeg'])).toEqual([7, 7]);
  });
  it('refuses a held-out file the groups file does not name, and gives none without a file', () => {
    expect(() => foldHeldOutGroups(fold, ['a/z.jpeg'])).toThrow(/no group for held-out Testing\/a\/z.jpeg/);
    expect(foldHeldOutGroups(join(fold, 'nowhere'), ['a/x.jpeg'])).toBeUndefined();
  });
});

describe('HeldOutOriginals', () => {
  const originals = () => {
    const o = new HeldOutOriginals();
    o.add(1, ['a/x', 'a/y'], [7, 7]);
    o.add(2, ['b/u', 'b/v'], [8, 9]);
    return o;
  };

  it('is complete only when every scored fold named its originals', () => {
    expect(originals().complete(2)).toBe(true);
    expect(originals().complete(3)).toBe(false);
    expect(new HeldOutOriginals().complete(0)).toBe(false);
  });

  it("scores the candidate's answers, refusing a count that disagrees with the folds' totals", () => {
    const b = originals().interval(vit, 3);
    expect(b).toMatchObject({ rate: 0.75, groups: 3, images: 4 });
    expect(() => originals().interval(vit, 4)).toThrow(/3 right answers by image, 4 in the folds' totals/);
    expect(() => originals().interval(vit.slice(0, 1), 2)).toThrow(/2 held-out answers for 4 images/);
  });

  it("answers at each fold's own nested threshold", () => {
    // fold 2's threshold 0.7 drops its unsure right answer; fold 1's answers both
    const b = originals().nestedAnswers(vit, [0.5, 0.7], wilson(2, 3));
    expect(b).toMatchObject({ rate: 2 / 3, images: 3, groups: 2 });
    expect(() => originals().nestedAnswers(vit, [0.5, 0.5], wilson(2, 3))).toThrow(/disagree with nestedAbstention/);
    expect(originals().nestedAnswers(vit, [0.5], wilson(2, 3))).toBeUndefined();
  });

  it('keeps per image its original and right answers, with a digest of the files in order', () => {
    const r = originals().record({ vit });
    expect(r.groups).toBe('7,7,8,9');
    expect(r.right).toEqual({ vit: '1110' });
    const other = new HeldOutOriginals();
    other.add(1, ['a/y', 'a/x'], [7, 7]);
    other.add(2, ['b/u', 'b/v'], [8, 9]);
    expect(other.record({ vit }).filesSha256).not.toBe(r.filesSha256);
  });

  it('pairs two candidates on the same draws', () => {
    expect(originals().paired(vit, vit)).toMatchObject({ difference: 0, low: 0, high: 0 });
  });

  it('draws a table cell only where there is a figure', () => {
    expect(originalsCell(undefined)).toBe('');
    expect(originalsCell({ rate: 0.9, low: 0.8812, high: 0.9234, groups: 3, images: 4, resamples: 10 })).toBe(
      ' [88.1, 92.3] |',
    );
  });
});
