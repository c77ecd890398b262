/**
 * The group bootstrap: copies that are right or wrong together widen the interval
 * (the reason it exists); independent images give about the Wilson width; the
 * paired difference is exactly zero for one candidate against itself and
 * brackets a real difference.
 */
import { describe, expect, it } from 'vitest';
import { wilson } from './domainGuardReport';
import { groupBootstrap, groupLowerBounds, pairedGroupBootstrap } from './groupBootstrap';

// 400 originals, 90 % right: as independent images, and as 8 copies each with the same answer
const originals = 400;
const rightOfOriginal = (g: number) => g % 10 !== 0;
const single = Array.from({ length: originals }, (_, g) => rightOfOriginal(g));
const singleGroups = single.map((_, g) => g);
const copies = Array.from({ length: originals * 8 }, (_, i) => rightOfOriginal(Math.floor(i / 8)));
const copyGroups = copies.map((_, i) => Math.floor(i / 8));

describe('groupBootstrap', () => {
  it('gives independent images about the Wilson width', () => {
    const b = groupBootstrap(single, singleGroups);
    const w = wilson(360, 400);
    expect(b.rate).toBe(0.9);
    expect(b.groups).toBe(400);
    expect(b.high - b.low).toBeGreaterThan(0.8 * (w.high - w.low));
    expect(b.high - b.low).toBeLessThan(1.2 * (w.high - w.low));
  });

  it('does not narrow when each original is copied: copies are not new evidence', () => {
    const b = groupBootstrap(copies, copyGroups);
    const asImages = wilson(copies.filter(Boolean).length, copies.length);
    expect(b.rate).toBe(0.9);
    expect(b.groups).toBe(400);
    expect(b.images).toBe(3200);
    // the Wilson interval over 3,200 "independent" images is ~2.8x narrower
    expect(b.high - b.low).toBeGreaterThan(2 * (asImages.high - asImages.low));
    expect(b.low).toBeLessThan(0.9);
    expect(b.high).toBeGreaterThan(0.9);
  });

  it('is reproducible for a seed and moves with another', () => {
    expect(groupBootstrap(copies, copyGroups, { seed: 7 })).toEqual(groupBootstrap(copies, copyGroups, { seed: 7 }));
    expect(groupBootstrap(copies, copyGroups, { seed: 8 }).low).not.toBe(
      groupBootstrap(copies, copyGroups, { seed: 7, resamples: 500 }).low,
    );
  });

  it('refuses answers and groups of different lengths, and nothing to resample', () => {
    expect(() => groupBootstrap([true, false], [1])).toThrow(/2 answers for 1 group labels/);
    expect(() => groupBootstrap([], [])).toThrow(/no images/);
  });
});

describe('pairedGroupBootstrap', () => {
  it('is exactly zero for a candidate against itself', () => {
    const d = pairedGroupBootstrap(copies, copies, copyGroups);
    expect([d.difference, d.low, d.high]).toEqual([0, 0, 0]);
  });

  it('brackets a real difference and tells a large one from zero', () => {
    // B is wrong on 40 more originals (10 % of them), A's mistakes kept
    const b = copies.map((r, i) => r && Math.floor(i / 8) % 10 !== 5);
    const d = pairedGroupBootstrap(copies, b, copyGroups);
    expect(d.difference).toBeCloseTo(0.1, 10);
    expect(d.low).toBeGreaterThan(0);
    expect(d.low).toBeLessThan(0.1);
    expect(d.high).toBeGreaterThan(0.1);
  });

  it('cannot tell a handful of originals apart', () => {
    // B wrong on 2 more originals of 400: a difference of 0.5 points, not resolvable
    const b = copies.map((r, i) => r && ![5, 15].includes(Math.floor(i / 8)));
    const d = pairedGroupBootstrap(copies, b, copyGroups);
    expect(d.difference).toBeCloseTo(0.005, 10);
    expect(d.low).toBeLessThanOrEqual(0);
  });
});

describe('groupLowerBounds', () => {
  it('matches the whole-set interval at the full cutoff and rises as the wrong originals are cut', () => {
    // ranking: the 40 wrong originals' copies last
    const order = copyGroups
      .map((g, i) => ({ g, i }))
      .sort((a, b) => Number(rightOfOriginal(b.g)) - Number(rightOfOriginal(a.g)));
    const right = order.map((o) => copies[o.i]);
    const groups = order.map((o) => o.g);
    const [allRight, all] = groupLowerBounds(right, groups, [2880, 3200]);
    expect(allRight).toBe(1); // every answered image right in every draw
    expect(all).toBeCloseTo(groupBootstrap(copies, copyGroups).low, 2);
    expect(all).toBeLessThan(0.9);
  });

  it('counts copies once: the same answers as independent images would give a higher bound', () => {
    const asImages = groupLowerBounds(
      copies,
      copies.map((_, i) => i),
      [copies.length],
    )[0];
    const asOriginals = groupLowerBounds(copies, copyGroups, [copies.length])[0];
    expect(asImages).toBeGreaterThan(asOriginals + 0.01);
  });

  it('refuses falling or out-of-range cutoffs', () => {
    expect(() => groupLowerBounds(single, singleGroups, [10, 5])).toThrow(/cutoffs must rise/);
    expect(() => groupLowerBounds(single, singleGroups, [401])).toThrow(/cutoffs must rise/);
  });
});
