/** The server bench's arithmetic: percentiles, how many distinct bodies a row needs, ratios, profile categories. */
import { describe, expect, it } from 'vitest';
import { bodiesNeeded, percentile } from './load';
import { category, selfTimeByCategory } from './profile';
import { type LoadRow, ratioAt } from './suite';

const load = (target: LoadRow['target'], connections: number, perSecond: number) =>
  ({ target, connections, perSecond }) as LoadRow;

describe('server bench arithmetic', () => {
  it('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('a row gets more distinct bodies than requests (one built ahead per connection)', () => {
    expect(bodiesNeeded(8, 320)).toBeGreaterThanOrEqual(320 + 8);
  });

  it('full/bare ratio at one concurrency, none without both rows', () => {
    const loads = [load('bare', 8, 600), load('pglite', 8, 60), load('postgres', 64, 90)];
    expect(ratioAt(loads, 'pglite', 8)).toBeCloseTo(0.1);
    expect(ratioAt(loads, 'postgres', 8)).toBeUndefined();
  });

  it('profile samples are charged to the package up the stack, inside the window only', () => {
    expect(category({ url: 'file:///w/node_modules/@electric-sql/pglite/dist/index.js', functionName: 'q' })).toBe(
      '@electric-sql/pglite',
    );
    expect(category({ url: 'file:///w/src/apps/server/blobs/fileBlobStore.ts', functionName: 'put' })).toBe(
      'apps/server/blobs',
    );
    const profile = {
      nodes: [
        { id: 1, callFrame: { url: '', functionName: '(root)' }, children: [2, 4] },
        { id: 2, callFrame: { url: 'file:///w/node_modules/pg/lib/client.js', functionName: 'query' }, children: [3] },
        { id: 3, callFrame: { url: '', functionName: 'writev' } },
        { id: 4, callFrame: { url: '', functionName: '(idle)' } },
      ],
      samples: [3, 4, 3, 4],
      timeDeltas: [5000, 1000, 2000, 3000], // µs
      endTime: 11_000,
    };
    const all = selfTimeByCategory(profile, 11);
    expect(all.get('pg (via (native))')).toBe(7);
    expect(all.get('(idle)')).toBe(4);
    const last = selfTimeByCategory(profile, 4); // the samples at 8 and 11 ms only
    expect(last.get('pg (via (native))')).toBe(2);
    expect(last.get('(idle)')).toBe(3);
  });
});
