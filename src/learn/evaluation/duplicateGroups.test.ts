/** Near-duplicate groups: components, their sizes, leaks across a split, and the LC25000 sampling expectation. */
import { describe, expect, it } from 'vitest';
import { connectedComponents, groupSizes, hasNeighbourAcross, samplingExpectation } from './duplicateGroups';

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
