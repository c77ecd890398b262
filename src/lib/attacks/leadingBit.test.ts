import { describe, expect, it } from 'vitest';
import { encryptImage } from '../cipher/bpe/bpe';
import { grayToRgb } from '../image/rgb';
import { ssimRgb } from '../metrics/ssim';
import { hasBrainMri, loadBrainMri } from '../../testing/brainMri';
import { foldValue, leadingBitAttack } from './leadingBit';
import { noiseBytes } from '../random/seededRandom';
import { testPlan } from '../../testing/attackKeys';

describe('leading-bit attack', () => {
  it('folds v and 255 - v together', () => {
    for (let v = 0; v < 256; v++) {
      expect(foldValue(v)).toBe(foldValue(255 - v));
      expect(foldValue(v)).toBeLessThanOrEqual(127);
    }
  });

  it('removes the negative-positive step exactly: each output pixel is 2 x fold of its source grey pixel', async () => {
    const plan = await testPlan(1, 50, 10);
    const gray = noiseBytes(50 * 50, 21);
    const x = grayToRgb(50, 50, gray);
    const out = leadingBitAttack(encryptImage(plan, x));
    for (let q = 0; q < 50 * 50; q++) {
      const sourcePixel = Math.floor(plan.src[q * 3] / 3);
      expect(out.data[q * 3]).toBe(2 * foldValue(gray[sourcePixel]));
      expect(out.data[q * 3 + 1]).toBe(out.data[q * 3]);
    }
  });

  it('gives the same grey-level histogram whatever the key (it sees through inversions, not positions)', async () => {
    const x = grayToRgb(50, 50, noiseBytes(2500, 22));
    const hist = (d: Uint8Array) => d.reduce((h, v) => (h[v]++, h), new Array(256).fill(0));
    const a = leadingBitAttack(encryptImage(await testPlan(2, 50, 10), x));
    const b = leadingBitAttack(encryptImage(await testPlan(3, 50, 10), x));
    expect(a.data).not.toEqual(b.data);
    expect(hist(a.data)).toEqual(hist(b.data));
  });

  it.skipIf(!hasBrainMri)('real MRI: the scrambled layout keeps SSIM low', async () => {
    const original = await loadBrainMri('glioma', 5);
    const s = ssimRgb(original, leadingBitAttack(encryptImage(await testPlan(4), original)));
    expect(s).toBeLessThan(0.4);
  });
});
