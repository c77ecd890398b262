import { describe, expect, it } from 'vitest';
import { noiseBytes } from '../random/seededRandom';
import { psnr, psnrFromMse, meanSquaredError } from './psnr';

const img = (data: Uint8Array, w = 10) => ({ width: w, height: data.length / 3 / w, data });

describe('PSNR', () => {
  it('is Infinity for identical images', () => {
    const d = noiseBytes(300, 3);
    expect(psnr(img(d), img(d.slice()))).toBe(Infinity);
  });

  it('constant offset of 10: MSE 100, PSNR = 10 log10(65025/100) = 28.1308 dB', () => {
    const a = noiseBytes(300, 4).map((v) => Math.min(v, 245));
    const b = a.map((v) => v + 10);
    expect(meanSquaredError(a, b)).toBe(100);
    expect(psnr(img(a), img(b))).toBeCloseTo(28.1308, 4);
  });

  it('counts every channel value: one value off by 255 in 300 gives MSE 216.75', () => {
    const a = new Uint8Array(300);
    const b = a.slice();
    b[7] = 255;
    expect(meanSquaredError(a, b)).toBeCloseTo((255 * 255) / 300, 10);
    expect(psnr(img(a), img(b))).toBeCloseTo(10 * Math.log10(300), 10);
  });

  it('psnrFromMse and size checks', () => {
    expect(psnrFromMse(0)).toBe(Infinity);
    expect(psnrFromMse(65025)).toBe(0);
    expect(() => psnr(img(new Uint8Array(30)), img(new Uint8Array(60)))).toThrow();
  });
});
