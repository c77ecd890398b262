/**
 * One load row of the server benchmark: autocannon, programmatically, against a
 * server on 127.0.0.1, a fixed number of STOW-RS requests at a fixed concurrency
 * (connections, one request in flight each). Each request gets the next body
 * from a list, so every upload is a different study (a study uploads once; a
 * repeat would be a 409, which counts as an error here).
 *
 * Bounded by construction: `amount` requests, each with autocannon's 10 s timeout.
 */
import autocannon from 'autocannon';

export interface StowBody {
  contentType: string;
  body: Uint8Array;
}

export interface LoadOptions {
  /** e.g. http://127.0.0.1:PORT/api/dicomweb/studies */
  url: string;
  token?: string;
  connections: number;
  /** requests to complete */
  amount: number;
  /** at least amount + 2 × connections (autocannon builds the next request before it knows it is done) */
  bodies: readonly StowBody[];
  /** cycle through `bodies` (the bare route: nothing is stored, repeats are fine) */
  reuseBodies?: boolean;
}

export interface LoadResult {
  connections: number;
  requests: number;
  ok: number;
  /** non-2xx answers + connection errors (timeouts included) */
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  bodyBytes: number;
}

export function bodiesNeeded(connections: number, amount: number): number {
  return amount + 2 * connections + 2;
}

/** Nearest-rank percentile. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { bodies, connections, amount } = options;
  if (!options.reuseBodies && bodies.length < bodiesNeeded(connections, amount))
    throw new Error(`need ${bodiesNeeded(connections, amount)} distinct bodies, have ${bodies.length}`);
  const url = new URL(options.url);
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const buffers = bodies.map((b) => ({
    headers: { ...auth, 'content-type': b.contentType },
    body: Buffer.from(b.body.buffer, b.body.byteOffset, b.body.byteLength),
  }));
  let next = 0;
  // Our own latencies, in fractional ms (autocannon's histogram keeps whole ms): the
  // next request is built right before it is written, and its answer read before the next.
  const latencies: number[] = [];
  const started = performance.now();
  const result = await autocannon({
    url: url.origin,
    connections,
    pipelining: 1,
    amount,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: url.pathname,
        setupRequest: (request, context) => {
          context.sentAt = performance.now();
          const index = options.reuseBodies ? next++ % buffers.length : next++;
          const chosen = buffers[index];
          if (!chosen) throw new Error('ran out of distinct bodies');
          return { ...request, method: 'POST', path: url.pathname, headers: chosen.headers, body: chosen.body };
        },
        onResponse: (_status, _body, context) => {
          if (typeof context.sentAt === 'number') latencies.push(performance.now() - context.sentAt);
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  const ok = result['2xx'];
  return {
    connections,
    requests: ok + result.non2xx + result.errors,
    ok,
    errors: result.non2xx + result.errors, // autocannon counts a timeout as an error too
    seconds,
    perSecond: ok / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    bodyBytes: buffers[0]?.body.length ?? 0,
  };
}
