import { describe, expect, it } from 'vitest';
import { METRIC_MEANINGS, VERDICT_TEXT } from './metricMeanings';

describe('privacy verdicts of the leakage scores', () => {
  it('call noise good, a copy bad, and the middle partial', () => {
    const v = (name: keyof typeof METRIC_MEANINGS, x: number) => METRIC_MEANINGS[name].verdict(x);
    expect([v('ssim', 0.01), v('ssim', 0.3), v('ssim', 0.99)]).toEqual(['good', 'partial', 'bad']);
    expect([v('psnr', 7.5), v('psnr', 15), v('psnr', Infinity)]).toEqual(['good', 'partial', 'bad']);
    expect([v('nmi', 0.003), v('nmi', 0.2), v('nmi', 1)]).toEqual(['good', 'partial', 'bad']);
    // pHash is a distance: far apart is good, close is bad
    expect([v('phashDistance', 32), v('phashDistance', 16), v('phashDistance', 0)]).toEqual(['good', 'partial', 'bad']);
  });

  it('say each meaning in one line, and each verdict in words', () => {
    for (const m of Object.values(METRIC_MEANINGS)) expect(m.meaning).not.toContain('\n');
    expect(METRIC_MEANINGS.psnr.meaning).toContain("Below 10 dB: the attacker's image is noise");
    for (const text of Object.values(VERDICT_TEXT)) expect(text).toMatch(/privacy|hidden/);
  });
});
