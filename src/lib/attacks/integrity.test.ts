import { describe, expect, it } from 'vitest';
import { decryptImage, encryptImage } from '../cipher/bpe/bpe';
import { bitFlipAttack } from './bitFlip';
import { changedValues, damageSpread } from './damage';
import { gaussianNoiseAttack } from './gaussianNoise';
import { noiseBytes } from '../random/seededRandom';
import { testPlan } from '../../testing/attackKeys';

const image = (size: number, seed: number) => ({ width: size, height: size, data: noiseBytes(size * size * 3, seed) });

describe('bit-flip attack', () => {
  it('XORs exactly one bit in round(fraction x N) values, reproducibly by seed', () => {
    const x = image(40, 41);
    const a = bitFlipAttack(x, { bit: 3, fraction: 0.25, seed: 1 });
    expect(x.data).toEqual(image(40, 41).data); // input untouched
    let flipped = 0;
    for (let i = 0; i < x.data.length; i++) {
      const d = x.data[i] ^ a.data[i];
      expect(d === 0 || d === 8).toBe(true);
      if (d) flipped++;
    }
    expect(flipped).toBe(Math.round(0.25 * x.data.length));
    expect(bitFlipAttack(x, { bit: 3, fraction: 0.25, seed: 1 }).data).toEqual(a.data);
    expect(bitFlipAttack(x, { bit: 3, fraction: 0.25, seed: 2 }).data).not.toEqual(a.data);
  });

  it('checks its options', () => {
    expect(() => bitFlipAttack(image(4, 1), { bit: 8, fraction: 0.1, seed: 1 })).toThrow(/bit/);
    expect(() => bitFlipAttack(image(4, 1), { bit: 1, fraction: 1.5, seed: 1 })).toThrow(/fraction/);
  });

  it('on an encrypted image, damage after decryption is the same bit in the same number of values', async () => {
    const plan = await testPlan(11, 50, 10);
    const x = image(50, 42);
    const enc = encryptImage(plan, x);
    const attacked = bitFlipAttack(enc, { bit: 7, fraction: 0.1, seed: 3 });
    const dec = decryptImage(plan, attacked);
    const s = damageSpread(enc, attacked, x, dec);
    expect(s.changedDecrypted).toBe(s.changedEncrypted);
    expect(s.changedEncrypted).toBe(Math.round(0.1 * x.data.length));
    for (let i = 0; i < x.data.length; i++) expect([0, 128]).toContain(x.data[i] ^ dec.data[i]);
  });
});

describe('Gaussian-noise attack', () => {
  it('is reproducible, clamps to 0..255, and touches at most the chosen fraction', () => {
    const x = image(40, 43);
    const a = gaussianNoiseAttack(x, { mu: 0, sigma: 80, fraction: 0.3, seed: 5 });
    expect(gaussianNoiseAttack(x, { mu: 0, sigma: 80, fraction: 0.3, seed: 5 }).data).toEqual(a.data);
    const { count } = changedValues(x.data, a.data);
    expect(count).toBeLessThanOrEqual(Math.round(0.3 * x.data.length));
    expect(count).toBeGreaterThan(0.25 * x.data.length); // sigma 80 rarely rounds to no change
    // mu = +300 saturates every chosen value at 255.
    const white = gaussianNoiseAttack(x, { mu: 300, sigma: 1, fraction: 1, seed: 5 });
    expect(white.data.every((v) => v === 255)).toBe(true);
  });

  it('noise statistics follow mu and sigma (on mid-grey, no clamping)', () => {
    const grey = { width: 100, height: 100, data: new Uint8Array(30000).fill(128) };
    const a = gaussianNoiseAttack(grey, { mu: 5, sigma: 10, fraction: 1, seed: 6 });
    let sum = 0;
    let sq = 0;
    for (const v of a.data) {
      sum += v - 128;
      sq += (v - 128) ** 2;
    }
    const mean = sum / a.data.length;
    const sd = Math.sqrt(sq / a.data.length - mean * mean);
    expect(mean).toBeGreaterThan(4.7);
    expect(mean).toBeLessThan(5.3);
    expect(sd).toBeGreaterThan(9.7);
    expect(sd).toBeLessThan(10.3);
  });

  it('on an encrypted image, the same number of values and the same total error after decryption', async () => {
    const plan = await testPlan(12, 50, 10);
    const x = image(50, 44);
    const enc = encryptImage(plan, x);
    const attacked = gaussianNoiseAttack(enc, { mu: 0, sigma: 20, fraction: 0.2, seed: 7 });
    const s = damageSpread(enc, attacked, x, decryptImage(plan, attacked));
    expect(s.changedDecrypted).toBe(s.changedEncrypted);
    expect(s.absErrorDecrypted).toBe(s.absErrorEncrypted);
  });
});
