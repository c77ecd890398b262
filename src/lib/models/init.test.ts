import { describe, expect, it } from 'vitest';
import { ModelRandom } from './init';

describe('ModelRandom', () => {
  it('keeps the stream the shipped models were trained with (seed 1)', () => {
    // values recorded from the generator used for the released runs: a change here
    // means `train --seed 1` no longer reproduces public/models/*
    const rng = new ModelRandom(1);
    expect(rng.next()).toBe(0.18967728852294385);
    expect(rng.normal()).toBe(0.31246553921571174);
    expect(rng.int(1000)).toBe(534);
  });

  it('shuffles reproducibly into a permutation', () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    const b = a.slice();
    new ModelRandom(9).shuffle(a);
    new ModelRandom(9).shuffle(b);
    expect(a).toEqual(b);
    expect(a.slice().sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
