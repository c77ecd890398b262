/** scripts/cvGuard.ts: held-out folds pooled, shared out-of-domain sets reported by their worst fold. */
import { describe, expect, it } from 'vitest';
import { guardSet } from '../src/learn/evaluation/domainGuardReport';
import { poolFoldGuards } from './cvGuard';

const verdicts = (yes: number, no: number) => [...Array<boolean>(yes).fill(true), ...Array<boolean>(no).fill(false)];
const fold = (fold: number, accepted: number, brainAccepted: number) => ({
  fold,
  sets: [
    guardSet(`fold-${fold} Testing`, true, verdicts(accepted, 600 - accepted)),
    guardSet('brain-mri Testing', false, verdicts(brainAccepted, 852 - brainAccepted)),
  ],
});

describe('poolFoldGuards', () => {
  it('sums the held-out folds and keeps the worst fold of a shared set', () => {
    const pooled = poolFoldGuards([fold(1, 590, 0), fold(2, 570, 3), fold(3, 585, 1)]);
    expect(pooled.accepted.k).toBe(1745);
    expect(pooled.accepted.n).toBe(1800);
    expect(pooled.acceptedPerFold).toEqual(['590/600', '570/600', '585/600']);
    expect(pooled.refused).toHaveLength(1);
    expect(pooled.refused[0].perFold).toEqual(['852/852', '849/852', '851/852']);
    expect(pooled.refused[0].worst.k).toBe(849);
    // 1745/1800 = 96.9 %: the interval is around it
    expect(pooled.accepted.low).toBeLessThan(1745 / 1800);
    expect(pooled.accepted.high).toBeGreaterThan(1745 / 1800);
  });

  it('refuses a fold without exactly one held-out set, or a set some fold did not score', () => {
    const noOwn = { fold: 1, sets: fold(1, 590, 0).sets.slice(1) };
    expect(() => poolFoldGuards([noOwn])).toThrow(/fold 1/);
    const partial = { fold: 2, sets: fold(2, 590, 0).sets.slice(0, 1) };
    expect(() => poolFoldGuards([fold(1, 590, 0), partial])).toThrow(/brain-mri Testing: scored by 1 of 2/);
    expect(() => poolFoldGuards([])).toThrow();
  });
});
