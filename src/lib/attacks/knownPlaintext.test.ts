import { describe, expect, it } from 'vitest';
import { encryptImage } from '../cipher/bpe/bpe';
import { grayToRgb } from '../image/rgb';
import { leakageMetrics } from '../metrics/leakage';
import { hasBrainMri, loadBrainMri } from '../../testing/brainMri';
import { decryptWithRecovered, knownPlaintextAttack, recoveredEncryptionMap } from './knownPlaintext';
import { noiseBytes } from '../random/seededRandom';
import { testPlan } from '../../testing/attackKeys';

const noiseImage = (size: number, seed: number) => ({
  width: size,
  height: size,
  data: noiseBytes(size * size * 3, seed),
});

describe('known-plaintext attack', () => {
  it('recovers the exact block map and block permutation from one colour pair', async () => {
    const plan = await testPlan(7, 60, 12);
    const known = noiseImage(60, 31);
    const map = knownPlaintextAttack(known, encryptImage(plan, known), 12);
    expect(map.blockSrc).toEqual(plan.blockSrc);
    expect(map.blockFlip).toEqual(plan.blockFlip);
    expect(map.blockPerm).toEqual(plan.blockPerm);
    expect(map.quality).toEqual({ blocksIdentified: 1, elementsUnique: 1, pixelsUnique: 1, elementsUnmatched: 0 });
    const g = recoveredEncryptionMap(map);
    expect(g.src).toEqual(plan.src);
    expect(g.flip).toEqual(plan.flip);
    const target = noiseImage(60, 32);
    expect(decryptWithRecovered(map, encryptImage(plan, target)).data).toEqual(target.data);
  });

  it('grey known image: channels are ambiguous (R = G = B) but grey targets still decrypt exactly', async () => {
    const plan = await testPlan(8, 60, 12);
    const known = grayToRgb(60, 60, noiseBytes(3600, 33));
    const map = knownPlaintextAttack(known, encryptImage(plan, known), 12);
    expect(map.quality.pixelsUnique).toBe(1);
    expect(map.quality.elementsUnique).toBe(0);
    for (let i = 0; i < map.blockSrc.length; i++)
      expect(Math.floor(map.blockSrc[i] / 3)).toBe(Math.floor(plan.blockSrc[i] / 3));
    const target = grayToRgb(60, 60, noiseBytes(3600, 34));
    expect(decryptWithRecovered(map, encryptImage(plan, target)).data).toEqual(target.data);
  });

  it('refuses a pair that is not plain/encrypted under one key', async () => {
    const plan = await testPlan(9, 60, 12);
    expect(() => knownPlaintextAttack(noiseImage(60, 35), encryptImage(plan, noiseImage(60, 36)), 12)).toThrow(
      /plain\/encrypted pair/,
    );
    expect(() => knownPlaintextAttack(noiseImage(60, 35), noiseImage(50, 36), 12)).toThrow(/same square size/);
  });

  it.skipIf(!hasBrainMri)(
    'real brain MRI pair: a second scan under the same key is recovered (SSIM > 0.9)',
    async () => {
      const plan = await testPlan(10);
      const known = await loadBrainMri('meningioma', 2);
      const target = await loadBrainMri('glioma', 5);
      const map = knownPlaintextAttack(known, encryptImage(plan, known), 25);
      const targetEncrypted = encryptImage(plan, target);
      const recovered = decryptWithRecovered(map, targetEncrypted);
      const m = leakageMetrics(target, recovered);
      const unplaced = leakageMetrics(target, decryptWithRecovered(map, targetEncrypted, { placeBlocks: false }));
      expect(m.ssim).toBeGreaterThanOrEqual(unplaced.ssim);
      expect(m.ssim).toBeGreaterThan(0.9);
      expect(m.phashDistance).toBeLessThanOrEqual(2);
      // Every in-block pixel position and inversion is pinned down by a real scan;
      // only blocks the known scan shows as identical (black background) may be swapped.
      expect(map.quality.pixelsUnique).toBe(1);
      expect(map.quality.blocksIdentified).toBeGreaterThan(0.5);
      let swapped = 0;
      for (let j = 0; j < map.blockPerm.length; j++) if (map.blockPerm[j] !== plan.blockPerm[j]) swapped++;
      expect(swapped / map.blockPerm.length).toBeLessThanOrEqual(1 - map.quality.blocksIdentified);
    },
  );
});
