import { describe, expect, it } from 'vitest';
import { encryptImage } from '../cipher/bpe/bpe';
import { CHANNEL_ORDERS } from '../cipher/bpe/plan';
import { type RgbImage, grayToRgb } from '../image/rgb';
import { ssimRgb } from '../metrics/ssim';
import { hasBrainMri, loadBrainMri } from '../../testing/brainMri';
import { minDifferenceAttack } from './minDifference';
import { SeededRandom } from '../random/seededRandom';
import { testPlan } from '../../testing/attackKeys';

/** Colour steps only (random channel order + inversions per pixel), positions untouched. */
function colourOnlyEncryption(image: RgbImage, seed: number): RgbImage {
  const rng = new SeededRandom(seed);
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < image.data.length; i += 3) {
    const order = CHANNEL_ORDERS[rng.int(6)];
    for (let c = 0; c < 3; c++) {
      const v = image.data[i + order[c]];
      out[i + c] = rng.next() < 0.5 ? 255 - v : v;
    }
  }
  return { ...image, data: out };
}

describe('minimum-difference attack', () => {
  it('recovers a smooth image up to one polarity per block when positions are not scrambled', () => {
    const W = 50;
    const B = 25;
    const gray = new Uint8Array(W * W).map((_, i) => 10 + Math.round(((i % W) + Math.floor(i / W)) * 0.9));
    const x = grayToRgb(W, W, gray);
    const out = minDifferenceAttack(colourOnlyEncryption(x, 5), B);
    for (let by = 0; by < W; by += B) {
      for (let bx = 0; bx < W; bx += B) {
        const first = (by * W + bx) * 3;
        const inverted = out.data[first] !== x.data[first];
        for (let y = by; y < by + B; y++) {
          for (let k = (y * W + bx) * 3; k < (y * W + bx + B) * 3; k++) {
            expect(out.data[k]).toBe(inverted ? 255 - x.data[k] : x.data[k]);
          }
        }
      }
    }
  });

  it('refuses a block size that does not tile the image', () => {
    expect(() => minDifferenceAttack({ width: 30, height: 30, data: new Uint8Array(2700) }, 7)).toThrow(/blocks/);
  });

  it.skipIf(!hasBrainMri)(
    'real MRI under full BPE: fast (200x200 well under a second), and the scrambled pixels keep SSIM low',
    async () => {
      const original = await loadBrainMri('glioma', 5);
      const encrypted = encryptImage(await testPlan(6), original);
      minDifferenceAttack(encrypted, 25); // warm-up (JIT)
      const t0 = performance.now();
      const out = minDifferenceAttack(encrypted, 25);
      const ms = performance.now() - t0;
      expect(ms).toBeLessThan(800); // typically 15-60 ms; generous for a loaded CI machine
      expect(ssimRgb(original, out)).toBeLessThan(0.4);
    },
  );
});
