import { describe, expect, it } from 'vitest';
import { grayToRgb } from '../image/rgb';
import { noiseBytes } from '../random/seededRandom';
import { ssimGray, ssimRgb } from './ssim';

/** Same integer formulas as reference/ssim_reference.py. */
function testPair(w = 24, h = 24) {
  const a = new Uint8Array(w * h);
  const b = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const av = (x * x * 3 + y * 17 + x * y) % 256;
      a[y * w + x] = av;
      b[y * w + x] = Math.min(255, ((av * 3) >> 2) + ((x * 5 + y * 3) % 23));
    }
  }
  return { a: { width: w, height: h, data: a }, b: { width: w, height: h, data: b } };
}

describe('SSIM (ssim.js, Gaussian window)', () => {
  it('is 1 for identical images', () => {
    const { a } = testPair();
    expect(ssimGray(a, a)).toBeCloseTo(1, 12);
  });

  it('matches an independent numpy computation (reference/ssim_reference.py)', () => {
    const { a, b } = testPair();
    // python3 src/lib/metrics/reference/ssim_reference.py -> 0.9383525615 and -0.9830055955
    expect(ssimGray(a, b)).toBeCloseTo(0.9383525615, 8);
    const inverted = { ...a, data: a.data.map((v) => 255 - v) };
    expect(ssimGray(a, inverted)).toBeCloseTo(-0.9830055955, 8);
  });

  it('is near 0 for independent noise and symmetric', () => {
    const x = { width: 64, height: 64, data: noiseBytes(64 * 64, 1) };
    const y = { width: 64, height: 64, data: noiseBytes(64 * 64, 2) };
    expect(Math.abs(ssimGray(x, y))).toBeLessThan(0.05);
    expect(ssimGray(x, y)).toBeCloseTo(ssimGray(y, x), 12);
  });

  it('reads RGB through luma: a grey image replicated to RGB scores like its grey source', () => {
    const { a, b } = testPair();
    expect(ssimRgb(grayToRgb(24, 24, a.data), grayToRgb(24, 24, b.data))).toBeCloseTo(ssimGray(a, b), 12);
  });

  it('refuses mismatched sizes and images smaller than the window', () => {
    const { a } = testPair();
    expect(() => ssimGray(a, { width: 12, height: 48, data: a.data })).toThrow(/differ in size/);
    const tiny = { width: 8, height: 8, data: new Uint8Array(64) };
    expect(() => ssimGray(tiny, tiny)).toThrow(/11x11/);
  });
});
