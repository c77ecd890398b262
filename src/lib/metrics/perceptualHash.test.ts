import { describe, expect, it } from 'vitest';
import { hasBrainMri, loadBrainMri } from '../../testing/brainMri';
import { noiseBytes } from '../random/seededRandom';
import type { RgbImage } from '../image/rgb';
import { hammingDistance, hashToHex, lowFrequencyDct, perceptualHash, perceptualHashDistance } from './perceptualHash';

const brighten = (img: RgbImage, by: number): RgbImage => ({
  ...img,
  data: img.data.map((v) => Math.min(255, v + by)),
});

describe('perceptual hash (pHash)', () => {
  it('Hamming distance counts differing bits', () => {
    expect(hammingDistance(0n, 0n)).toBe(0);
    expect(hammingDistance(0b1011n, 0b0001n)).toBe(2);
    expect(hammingDistance(0n, (1n << 64n) - 1n)).toBe(64);
    expect(hashToHex(255n)).toBe('00000000000000ff');
  });

  it('DCT picks up a pure cosine at the right frequency', () => {
    // f(x, y) = 128 + 100 cos((2x+1) 3 pi / 64): all energy at (u=3, v=0) -> not kept;
    // multiply by cos in y at v=2 -> energy at (u=3, v=2), index (2-1)*8 + (3-1).
    const f = new Uint8Array(32 * 32);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        f[y * 32 + x] = Math.round(
          128 + 100 * Math.cos(((2 * x + 1) * 3 * Math.PI) / 64) * Math.cos(((2 * y + 1) * 2 * Math.PI) / 64),
        );
      }
    }
    const c = lowFrequencyDct(f);
    const best = c.reduce((bi, v, i) => (Math.abs(v) > Math.abs(c[bi]) ? i : bi), 0);
    expect(best).toBe(1 * 8 + 2);
  });

  it('gives 64-bit hashes with about half the bits set, 0 distance for the same image', () => {
    const img = { width: 50, height: 50, data: noiseBytes(50 * 50 * 3, 11) };
    const h = perceptualHash(img);
    expect(h).toBeLessThan(1n << 64n);
    expect(hammingDistance(h, 0n)).toBe(32); // strict > median of 64 distinct values
    expect(perceptualHashDistance(img, { ...img, data: img.data.slice() })).toBe(0);
  });

  it.skipIf(!hasBrainMri)('real MRI: slightly brightened stays close, an unrelated scan is far', async () => {
    const a = await loadBrainMri('glioma', 0);
    const other = await loadBrainMri('pituitary', 3);
    const near = perceptualHashDistance(a, brighten(a, 8));
    const far = perceptualHashDistance(a, other);
    expect(near).toBeLessThanOrEqual(4);
    expect(far).toBeGreaterThan(16);
    const noise = { ...a, data: noiseBytes(a.data.length, 12) };
    expect(perceptualHashDistance(a, noise)).toBeGreaterThan(16);
  });
});
