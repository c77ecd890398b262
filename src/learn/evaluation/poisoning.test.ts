/** The poisoning report: settings grouped over seeds, change vs clean paired by seed, an interval only where seeds allow one. */
import { describe, expect, it } from 'vitest';
import { poisoningMarkdown, poisoningReport, runFromCard, type PoisoningCard } from './poisoning';

const card = (
  seed: number,
  accuracy: number,
  poisoning: PoisoningCard['training']['poisoning'] = null,
): PoisoningCard => ({
  training: { epochs: 4, seed, poisoning },
  test: { plain: { accuracy, macroF1: accuracy - 0.01 }, encrypted: { accuracy } },
});
const bitFlip = (share: number) => ({
  kind: 'bit-flip',
  shareOfTrainingImages: share,
  attack: 'bit 7 XOR on 10 % of the encrypted values',
});

describe('poisoningReport', () => {
  it('pairs each poisoned run with the clean run of its seed', () => {
    const runs = [
      runFromCard('clean-s1', card(1, 0.8)),
      runFromCard('clean-s2', card(2, 0.7)),
      runFromCard('clean-s3', card(3, 0.9)),
      // 2 points below its own seed's clean run every time: an effect, though the spread across seeds is 10 points
      runFromCard('bf10-s2', card(2, 0.68, bitFlip(0.1))),
      runFromCard('bf10-s1', card(1, 0.78, bitFlip(0.1))),
      runFromCard('bf10-s3', card(3, 0.88, bitFlip(0.1))),
    ];
    const report = poisoningReport('t', runs);
    expect(report.seeds).toEqual([1, 2, 3]);
    expect(report.runs.map((r) => r.name)).toEqual([
      'clean-s1',
      'clean-s2',
      'clean-s3',
      'bf10-s1',
      'bf10-s2',
      'bf10-s3',
    ]);
    const [clean, bf] = report.settings;
    expect(clean).toMatchObject({
      setting: 'clean',
      seeds: '1, 2, 3',
      lowestAccuracy: 0.7,
      highestAccuracy: 0.9,
      accuracyChangeVsClean: null,
      accuracyChangeHalfWidth95: null,
      reading: '–',
    });
    expect(clean.accuracy).toBeCloseTo(0.8, 12);
    expect(clean.accuracySd).toBeCloseTo(0.1, 12);
    expect(bf.setting).toBe('bit-flip 10 %');
    expect(bf.accuracyChangeVsClean).toBeCloseTo(-0.02, 12);
    expect(bf.accuracyChangeHalfWidth95).toBeCloseTo(0, 12);
    expect(poisoningMarkdown(report)).toContain(
      '| bit-flip 10 % | 10 % | bit 7 XOR on 10 % of the encrypted values | 1, 2, 3 | 78.00 % ± 10.00 | 68.00 % – 88.00 % | -2.00 pt ± 0.00 | lower than clean |',
    );
  });

  it('calls a change within the t-interval noise, and one seed undecidable', () => {
    const runs = [
      runFromCard('c1', card(1, 0.8)),
      runFromCard('c2', card(2, 0.8)),
      runFromCard('g1', card(1, 0.82, bitFlip(0.2))),
      runFromCard('g2', card(2, 0.79, bitFlip(0.2))),
    ];
    const s = poisoningReport('t', runs).settings[1];
    // differences +2 and -1 points: mean +0.5, sd 2.12, half-width 12.706 * 2.12 / sqrt(2) = 19.06 points
    expect(s.accuracyChangeVsClean).toBeCloseTo(0.005, 12);
    expect(s.accuracyChangeHalfWidth95).toBeCloseTo(0.1906, 3);
    expect(poisoningMarkdown(poisoningReport('t', runs))).toContain('within seed noise');
    const single = poisoningReport('t', [
      runFromCard('c1', card(1, 0.8)),
      runFromCard('g1', card(1, 0.7, bitFlip(0.2))),
    ]);
    expect(single.settings[1].accuracyChangeHalfWidth95).toBeNull();
    expect(poisoningMarkdown(single)).toContain('one seed: cannot tell');
  });

  it('orders clean, then each attack by share (5 % before 10 %), and refuses a setting run twice with one seed', () => {
    const runs = [
      runFromCard('g10', card(1, 0.7, { ...bitFlip(0.1), kind: 'gaussian' })),
      runFromCard('b10', card(1, 0.7, bitFlip(0.1))),
      runFromCard('b5', card(1, 0.7, bitFlip(0.05))),
      runFromCard('c', card(1, 0.8)),
    ];
    expect(poisoningReport('t', runs).settings.map((s) => s.setting)).toEqual([
      'clean',
      'bit-flip 5 %',
      'bit-flip 10 %',
      'gaussian 10 %',
    ]);
    expect(() => poisoningReport('t', [...runs, runFromCard('b10-again', card(1, 0.71, bitFlip(0.1)))])).toThrow(
      'two runs of bit-flip 10 % with seed 1 (b10, b10-again)',
    );
  });

  it('has no change vs clean without clean runs', () => {
    const s = poisoningReport('t', [runFromCard('g1', card(1, 0.7, bitFlip(0.2)))]).settings[0];
    expect(s.accuracyChangeVsClean).toBeNull();
    expect(s.accuracySd).toBeNull();
  });
});
