/**
 * Micro-rows of the server benchmark: what one piece of the upload path costs on
 * its own, in this process, one call after another — so a gap between the bare
 * and the full STOW rows can be laid at a piece's door. Each row runs for a fixed
 * time (and at least a few calls) and reports microseconds per call.
 */
import { createAuthorizer, type AccessRequest } from '../../src/apps/server/policy/authorizer';

export interface MicroResult {
  name: string;
  calls: number;
  ms: number;
  usPerCall: number;
  note?: string;
}

/**
 * Calls `op` back to back for at least `minMs` (and 5 calls), after a warm-up of a
 * fifth of that (JIT, wasm, caches); `maxCalls` caps warm-up and measured calls
 * together (for ops that use up something, like distinct studies).
 */
export async function timeCalls(
  name: string,
  op: (i: number) => unknown,
  minMs: number,
  options: { note?: string; maxCalls?: number } = {},
): Promise<MicroResult> {
  const max = options.maxCalls ?? Infinity;
  const warmCalls = Math.min(max / 10, 1e9);
  let warm = 0;
  for (const until = performance.now() + minMs / 5; performance.now() < until && warm < warmCalls;) await op(-++warm);
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while ((elapsed < minMs || calls < 5) && calls + warm < max) {
    await op(calls++);
    elapsed = performance.now() - started;
  }
  return { name, calls, ms: elapsed, usPerCall: (elapsed * 1000) / calls, note: options.note };
}

/** Cedar: an upload (Server resource) and a granted read (Study resource, grant in context), as the routes ask them. */
export async function policyRows(minMs: number): Promise<MicroResult[]> {
  const authorizer = createAuthorizer();
  const now = Math.floor(Date.now() / 1000);
  const principal = { id: 'acct-bench-1', role: 'clinician', site: 'site-a' };
  const upload: AccessRequest = { principal, action: 'upload', resource: { kind: 'server' }, context: { now } };
  const read: AccessRequest = {
    principal,
    action: 'read',
    resource: { kind: 'study', uid: '2.25.1234', ownerId: 'acct-owner', consent: 'given' },
    context: { now, purpose: 'second-opinion', grant: { purpose: 'second-opinion', until: now + 3600 } },
  };
  for (const [request, expected] of [
    [upload, 'allow'],
    [read, 'allow'],
  ] as const)
    if (authorizer.decide(request).decision !== expected)
      throw new Error(`policy check: ${request.action} not ${expected}`);
  // Cedar is wasm: V8 runs it in its baseline tier first and tiers hot functions up in the
  // background, which takes a second or more of calls; a long-running server is past that.
  for (const until = performance.now() + Math.max(1500, minMs); performance.now() < until;) {
    authorizer.decide(upload);
    authorizer.decide(read);
  }
  return [
    await timeCalls('policy decide: upload (Server)', () => authorizer.decide(upload), minMs),
    await timeCalls('policy decide: granted read (Study)', () => authorizer.decide(read), minMs),
  ];
}
