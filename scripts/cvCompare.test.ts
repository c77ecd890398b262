/**
 * cv-compare's comparison: counts, the paired interval by originals, and its refusals
 * (reports of other images, a report without per-image outcomes, an unknown candidate).
 */
import { describe, expect, it } from 'vitest';
import { comparedSide, compareRuns, type HeldOut } from './cvCompare';

/** 40 originals of 2 held-out images each; `wrong` originals are wrong in both their copies for B */
function report(wrongForB: number, filesSha256 = 'abc'): { heldOut: HeldOut } {
  const groups = Array.from({ length: 80 }, (_, i) => Math.floor(i / 2));
  return {
    heldOut: {
      filesSha256,
      groups: groups.join(','),
      right: { vit: '1'.repeat(80), cnn: groups.map((g) => (g < wrongForB ? '0' : '1')).join('') },
    },
  };
}

describe('compareRuns', () => {
  it('counts, and bounds the difference by resampling whole originals', () => {
    const r = report(10);
    const c = compareRuns(comparedSide('runs/a.json:vit', r), comparedSide('runs/a.json:cnn', r));
    expect(c).toMatchObject({ rightA: 80, rightB: 60, onlyA: 20, onlyB: 0, images: 80, originals: 40, tie: false });
    expect(c.difference).toBeCloseTo(0.25, 12);
    expect(c.low).toBeGreaterThan(0.1); // 10 of 40 originals: the interval is wide, and clear of 0
    expect(c.high).toBeLessThan(0.45); // binomial on 40 originals: ±0.13 about 0.25
    expect(c.sentence).toMatch(/^a:vit − a:cnn: 80 vs 60 right of 80 .* \+25\.00 points, 95 % \[\+/);
    expect(c.sentence).not.toMatch(/cannot tell/);
  });

  it('calls a difference the originals cannot resolve a tie', () => {
    const r = report(1);
    const c = compareRuns(comparedSide('a.json', r), comparedSide('a.json:cnn', r));
    expect(c.low).toBeLessThanOrEqual(0); // one original in 40: many draws leave it out
    expect(c.tie).toBe(true);
    expect(c.sentence).toMatch(/the data cannot tell them apart$/);
  });

  it('refuses reports of other images, and says what a report lacks', () => {
    expect(() => compareRuns(comparedSide('a.json', report(1)), comparedSide('b.json', report(1, 'other')))).toThrow(
      /different held-out images/,
    );
    expect(() => comparedSide('old.json', {})).toThrow(/old.json has no per-image outcomes/);
    expect(() => comparedSide('a.json:ensemble', report(1))).toThrow(/no candidate ensemble \(it has vit, cnn\)/);
  });
});
