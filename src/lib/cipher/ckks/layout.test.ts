/**
 * The slot layout on plain numbers: the server's rotations and diagonals, run on
 * slot vectors, give the plain head's logits in slots 0 .. C-1 of every block,
 * for the shipped shapes (F 128 / C 4, F 96 / C 3) and awkward ones (padding,
 * one class); the Galois steps are exactly those rotations.
 */
import { describe, expect, it } from 'vitest';
import { seededUniform } from '../../random/seededRandom';
import { plainHead, type LinearHead } from './head';
import { ckksLayout, evaluateOnSlots, galoisSteps, packFeatures, unpackLogits } from './layout';

function randomHead(features: number, classes: number, seed: number): LinearHead {
  const r = seededUniform(seed);
  return {
    features,
    classes,
    weights: Float64Array.from({ length: features * classes }, () => r() * 2 - 1),
    bias: Float64Array.from({ length: classes }, () => r() - 0.5),
  };
}

describe('CKKS head layout', () => {
  it('has the expected geometry and Galois steps for the shipped shapes', () => {
    const brain = ckksLayout({ features: 128, classes: 4 }, 4096);
    expect(brain).toMatchObject({ padded: 128, block: 131, imagesPerCiphertext: 31 });
    expect(galoisSteps(brain)).toEqual([1, 2, 3, 4, 8, 16, 32, 64]);
    const lung = ckksLayout({ features: 96, classes: 3 }, 4096);
    expect(lung).toMatchObject({ padded: 96, block: 98, imagesPerCiphertext: 41 });
    expect(galoisSteps(lung)).toEqual([1, 2, 3, 6, 12, 24, 48]);
    expect(() => ckksLayout({ features: 5000, classes: 2 }, 4096)).toThrow(/needs/);
  });

  for (const [F, C] of [
    [128, 4],
    [96, 3],
    [10, 3],
    [7, 1],
    [33, 5],
  ]) {
    it(`slot evaluation equals the plain head (F = ${F}, C = ${C})`, () => {
      const head = randomHead(F, C, F * 31 + C);
      const layout = ckksLayout(head, 1024);
      const r = seededUniform(F + C);
      const xs = Array.from({ length: layout.imagesPerCiphertext + 2 }, () =>
        Float64Array.from({ length: F }, () => r() * 4 - 2),
      );
      for (let i = 0; i < 2; i++) {
        const out = evaluateOnSlots(layout, packFeatures(layout, xs, i), head.weights, head.bias);
        const n = Math.min(layout.imagesPerCiphertext, xs.length - i * layout.imagesPerCiphertext);
        unpackLogits(layout, out, n).forEach((logits, k) => {
          const want = plainHead(head, xs[i * layout.imagesPerCiphertext + k]);
          logits.forEach((v, c) => expect(v).toBeCloseTo(want[c], 10));
        });
      }
    });
  }

  it('refuses features of the wrong width or not finite', () => {
    const layout = ckksLayout({ features: 4, classes: 2 }, 64);
    expect(() => packFeatures(layout, [new Float64Array(3)], 0)).toThrow(/3 features/);
    expect(() => packFeatures(layout, [Float64Array.of(1, NaN, 0, 0)], 0)).toThrow(/non-finite/);
  });
});
