import { describe, expect, it } from 'vitest';
import { hasBrainMri, loadBrainMri } from '../../testing/brainMri';
import { noiseBytes } from '../random/seededRandom';
import { formatMetric, leakageMetrics } from './leakage';

describe('leakageMetrics', () => {
  it.skipIf(!hasBrainMri)('identical images: SSIM 1, PSNR Infinity, NMI 1, pHash 0', async () => {
    const a = await loadBrainMri('meningioma', 1);
    const m = leakageMetrics(a, { ...a, data: a.data.slice() });
    expect(m.ssim).toBeCloseTo(1, 10);
    expect(m.psnr).toBe(Infinity);
    expect(m.nmi).toBeCloseTo(1, 10);
    expect(m.phashDistance).toBe(0);
  });

  it.skipIf(!hasBrainMri)('a real scan against noise leaks nothing by any score', async () => {
    const a = await loadBrainMri('meningioma', 1);
    const m = leakageMetrics(a, { ...a, data: noiseBytes(a.data.length, 3) });
    expect(m.ssim).toBeLessThan(0.1);
    expect(m.psnr).toBeLessThan(12);
    expect(m.nmi).toBeLessThan(0.05);
    expect(m.phashDistance).toBeGreaterThan(16);
  });

  it('formats for people', () => {
    expect(formatMetric('psnr', Infinity)).toMatch(/identical/);
    expect(formatMetric('psnr', 28.1308)).toBe('28.13 dB');
    expect(formatMetric('phashDistance', 5)).toBe('5/64');
  });
});
