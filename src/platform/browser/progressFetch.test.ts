/** The weights' download reports progress by bytes and returns exactly the bytes sent, compressed or not. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressFetch } from './progressFetch';

afterEach(() => vi.unstubAllGlobals());

function serve(body: Uint8Array, contentLength: number, chunk = 1000) {
  vi.stubGlobal(
    'fetch',
    async () =>
      new Response(
        new ReadableStream({
          start(c) {
            for (let i = 0; i < body.length; i += chunk) c.enqueue(body.slice(i, i + chunk));
            c.close();
          },
        }),
        { headers: { 'content-length': String(contentLength) } },
      ),
  );
}

describe('progressFetch', () => {
  it('streams the weights with increasing progress up to the total', async () => {
    const body = Uint8Array.from({ length: 4500 }, (_, i) => i % 256);
    serve(body, body.length);
    const seen: number[] = [];
    const res = await progressFetch((r, t) => seen.push(r / t))('/models/m/weights.bin');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(body);
    expect(seen).toEqual([1000, 2000, 3000, 4000, 4500].map((r) => r / 4500));
  });

  it('keeps every byte when the body is longer than Content-Length (compressed on the wire)', async () => {
    const body = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 256);
    serve(body, 1200);
    const seen: number[] = [];
    const res = await progressFetch((r, t) => seen.push(r / t))('/models/m/weights.bin');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(body);
    expect(Math.max(...seen)).toBe(1);
  });
});
