/** Near-duplicate groups: components, their sizes, leaks across a split, and the LC25000 sampling expectation. */
import { describe, expect, it } from 'vitest';
import {
  connectedComponents,
  copyStatus,
  dealGroupedFolds,
  groupSizes,
  hasNeighbourAcross,
  samplingExpectation,
} from './duplicateGroups';

describe('connectedComponents', () => {
  it('joins transitively and labels each group by its smallest node', () => {
    const edges: [number, number][] = [
      [5, 2],
      [2, 7],
      [1, 3],
    ];
    expect(Array.from(connectedComponents(8, edges))).toEqual([0, 1, 2, 1, 4, 2, 6, 2]);
    expect(groupSizes(connectedComponents(8, edges))).toEqual([
      [1, 3],
      [2, 1],
      [3, 1],
    ]);
  });

  it('merges two groups through one late edge', () => {
    const edges: [number, number][] = [
      [0, 1],
      [2, 3],
      [3, 1],
    ];
    expect(Array.from(connectedComponents(4, edges))).toEqual([0, 0, 0, 0]);
  });
});

describe('hasNeighbourAcross', () => {
  it('marks an image only where a direct near-duplicate is on the other side', () => {
    const side = [0, 0, 1, 1];
    const edges: [number, number][] = [
      [0, 1],
      [1, 2],
    ];
    expect(hasNeighbourAcross(4, edges, (i, j) => side[i] !== side[j])).toEqual([false, true, true, false]);
    // Testing (side 1) leaking into Training (side 0) only
    expect(hasNeighbourAcross(4, edges, (i, j) => side[i] === 1 && side[j] === 0)).toEqual([false, false, true, false]);
  });
});

describe('samplingExpectation', () => {
  it('matches a case counted by hand: 2 originals x 2 copies, 2 drawn', () => {
    // 6 equally likely draws of 2 from 4; an original is missed by 1 of them; a drawn image's twin is the other draw 1 time in 3
    const e = samplingExpectation(2, 2, 2);
    expect(e.distinctOriginals).toBeCloseTo(2 * (1 - 1 / 6), 10);
    expect(e.shareWithCopy).toBeCloseTo(1 / 3, 10);
  });

  it('gives LC25000 about 247 originals and a 98.5 % chance of a copy for 1,000 images of a class', () => {
    const e = samplingExpectation(250, 20, 1000);
    expect(e.distinctOriginals).toBeCloseTo(247.1, 0);
    expect(e.shareWithCopy).toBeGreaterThan(0.98);
  });
});

describe('dealGroupedFolds', () => {
  const images = new Map([
    ['a', ['a6', 'a4', 'a5', 'a1', 'a2', 'a3']], // smallest group first: the deal must sort
    ['b', ['b1', 'b2', 'b3', 'b4']],
  ]);
  // a1-a3 one original, a4+a5 another, a6 alone; b1+b2 one, b3, b4 alone
  const group: Record<string, number> = { a1: 0, a2: 0, a3: 0, a4: 1, a5: 1, a6: 2, b1: 3, b2: 3, b3: 4, b4: 5 };
  const deal = () =>
    dealGroupedFolds(
      images,
      (i) => group[i],
      2,
      () => {},
    );

  it('keeps every group in one fold', () => {
    const fold = deal();
    for (const g of new Set(Object.values(group))) {
      const folds = new Set(
        Object.keys(group)
          .filter((i) => group[i] === g)
          .map((i) => fold[i]),
      );
      expect(folds.size).toBe(1);
    }
  });

  it('balances each class over the folds, largest group first', () => {
    const fold = deal();
    const count = (cls: string, k: number) => images.get(cls)!.filter((i) => fold[i] === k).length;
    expect([count('a', 0), count('a', 1)]).toEqual([3, 3]);
    expect([count('b', 0), count('b', 1)]).toEqual([2, 2]);
  });
});

describe('copyStatus', () => {
  it('tells held-out images with a training copy under their label, under another label only, or none', () => {
    // 0, 1, 2 held out; 3, 4 training. 0-3 same label; 1-4 other label; 2-1 held out with held out (no leak)
    const heldOut = [true, true, true, false, false];
    const labels = [0, 1, 1, 0, 2];
    const edges: [number, number][] = [
      [0, 3],
      [4, 1],
      [2, 1],
    ];
    expect(copyStatus(5, edges, heldOut, labels)).toEqual([
      'copySameLabel',
      'copyOtherLabelOnly',
      'unseen',
      undefined,
      undefined,
    ]);
  });

  it('prefers a same-label copy when an image has both', () => {
    const status = copyStatus(
      3,
      [
        [0, 1],
        [0, 2],
      ],
      [true, false, false],
      [0, 1, 0],
    );
    expect(status[0]).toBe('copySameLabel');
  });
});
