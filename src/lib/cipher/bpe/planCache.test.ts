/**
 * The one plan cache: the same plan object for the same key and geometry, a
 * plan equal to a fresh draw, nothing kept for a forgotten key or past the
 * bound, and no failed draw kept.
 */
import { describe, expect, it } from 'vitest';
import { generateKey } from '../../keys/key';
import { planForKey } from './plan';
import { PlanCache } from './planCache';
import { bpePlanOf, bpeProtectedInput, bpeScheme } from './protection';

describe('PlanCache', () => {
  it('hands out one plan per key and geometry, equal to a fresh draw', async () => {
    const cache = new PlanCache();
    const key = await generateKey();
    const a = await cache.plan(key);
    expect(await cache.plan(key)).toBe(a);
    expect(a).toEqual(await planForKey(key));
    const small = await cache.plan(key, { imageSize: 50, blockSize: 25 });
    expect(small).not.toBe(a);
    expect(small.imageSize).toBe(50);
    expect(cache.size).toBe(2);
  });

  it('forgets every geometry of one key, and everything on clear', async () => {
    const cache = new PlanCache();
    const [k1, k2] = [await generateKey(), await generateKey()];
    await cache.plan(k1);
    await cache.plan(k1, { imageSize: 50, blockSize: 25 });
    const kept = await cache.plan(k2);
    cache.forget(k1.check);
    expect(cache.size).toBe(1);
    expect(await cache.plan(k2)).toBe(kept);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(await cache.plan(k2)).not.toBe(kept);
  });

  it('is bounded (least recently used goes first) and keeps no failed draw', async () => {
    const cache = new PlanCache(2);
    const keys = [await generateKey(), await generateKey(), await generateKey()];
    const first = await cache.plan(keys[0]);
    await cache.plan(keys[1]);
    expect(await cache.plan(keys[0])).toBe(first); // keys[0] is now the most recent
    await cache.plan(keys[2]); // evicts keys[1]
    expect(cache.size).toBe(2);
    expect(await cache.plan(keys[0])).toBe(first);
    await expect(cache.plan(keys[0], { imageSize: 200, blockSize: 30 })).rejects.toThrow(/multiple/);
    await Promise.resolve();
    expect(cache.size).toBe(2);
  });

  it('backs the BPE scheme: its protected input is the cached plan, forgotten with the key', async () => {
    const cache = new PlanCache();
    const scheme = bpeScheme(cache);
    const key = await generateKey();
    const input = await scheme.forKey(key, { imageSize: 200, blockSize: 25 });
    const plan = await cache.plan(key);
    expect(bpePlanOf(input)).toBe(plan);
    expect(input).toBe(bpeProtectedInput(plan));
    expect(input.tokenSource).toBe(plan.blockPerm);
    scheme.forget(key.check);
    expect(cache.size).toBe(0);
  });
});
