import { describe, expect, it } from 'vitest';
import { isObject } from './isObject';

describe('isObject', () => {
  it('takes a plain object, parsed or written', () => {
    expect(isObject({})).toBe(true);
    expect(isObject(JSON.parse('{"k": 1}'))).toBe(true);
  });

  it('refuses null, arrays and scalars', () => {
    for (const v of [null, undefined, [], [1], 'x', 1, true]) expect(isObject(v)).toBe(false);
  });
});
