/**
 * The encrypted-inference service without HTTP: its SEAL objects are freed (the
 * evaluating instance's wasm heap does not grow over many requests, hostile ones
 * included, nor over sessions opened and ended), and its sessions stay within their
 * limits (per account, count, idle TTL), ending least recently used first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCkksClient, linearHead, type CkksClient, type LinearHead, type Seal } from '../../../lib/cipher/ckks';
import { decodeHeFrame, encodeHeFrame, HE_PARAMETER_ID } from '../../../lib/serverClient/he';
import { loadSealWithHeap } from '../../../testing/sealHeap';
import type { ShippedHeads } from './heads';
import { createHeService, type HeService } from './service';

/** A small head (F = 32, C = 3) so that the loops stay short. */
function smallHead(): LinearHead {
  const F = 32;
  const C = 3;
  return linearHead(
    { data: Array.from({ length: F * C }, (_, i) => Math.sin(i) / 4), shape: [F, C] },
    { data: [0.1, -0.2, 0.3], shape: [C] },
  );
}

const heads = (head: LinearHead): ShippedHeads => ({
  get: async (name) => (name === 'small' ? head : undefined),
});

describe('he service', () => {
  let seal: Seal;
  let heapBytes: () => number;
  let head: LinearHead;
  let client: CkksClient;
  let keys: Uint8Array;
  let now = 1_000_000;
  let service: HeService;

  beforeAll(async () => {
    ({ seal, heapBytes } = await loadSealWithHeap());
    head = smallHead();
    client = createCkksClient(seal, head);
    keys = client.evaluationKeys();
    service = createHeService({
      heads: heads(head),
      evaluatorSeal: async () => seal,
      limits: { maxPerAccount: 2, maxSessions: 3, idleMs: 60_000 },
      now: () => now,
    });
  }, 60_000);
  afterAll(() => {
    service?.close();
    client?.dispose();
  });

  it('many requests, hostile ones among them, and sessions opened and ended do not grow the wasm heap', async () => {
    const { session } = await service.openSession('acc-a', 'small', HE_PARAMETER_ID, keys);
    const frame = encodeHeFrame({
      images: 2,
      ciphertexts: client.encrypt([new Float64Array(32).fill(0.5), new Float64Array(32).fill(-1)]).ciphertexts,
    });
    const good = client.encrypt([new Float64Array(32).fill(1)]).ciphertexts[0];
    const hostile = [
      encodeHeFrame({ images: 1, ciphertexts: [good.subarray(0, 2000)] }),
      encodeHeFrame({ images: 1, ciphertexts: [Uint8Array.from(good, (v, i) => (i < 16 ? v : (i * 131) & 255))] }),
    ];
    const round = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const { answer } = await service.infer('acc-a', session, frame);
        expect(answer.length).toBeGreaterThan(1000);
        await expect(service.infer('acc-a', session, hostile[i % hostile.length])).rejects.toThrow();
      }
      for (let i = 0; i < 2; i++) {
        const other = await service.openSession('acc-b', 'small', HE_PARAMETER_ID, keys);
        expect(service.endSession('acc-b', other.session)).toBe(true);
      }
    };
    await round(10); // warm-up: the allocator reaches its working size
    const before = heapBytes();
    await round(80);
    expect(heapBytes()).toBe(before);
    // and the answers are still right
    const [logits] = client.decrypt({
      features: 32,
      classes: 3,
      count: 1,
      ciphertexts: decodeHeFrame(
        (await service.infer('acc-a', session, encodeHeFrame({ images: 1, ciphertexts: [good] }))).answer,
        { maxCiphertexts: 1, maxCiphertextBytes: 1 << 20 },
      ).ciphertexts,
    });
    const want = Array.from(
      { length: 3 },
      (_, c) => head.bias[c] + Array.from({ length: 32 }, (_, f) => head.weights[f * 3 + c]).reduce((a, b) => a + b, 0),
    );
    logits.forEach((v, c) => expect(Math.abs(v - want[c])).toBeLessThan(1e-4));
    service.endSession('acc-a', session);
  }, 300_000);

  it('keeps sessions within the per-account and total limits, least recently used out first, and ends idle ones', async () => {
    const open = (account: string) => service.openSession(account, 'small', HE_PARAMETER_ID, keys);
    const a1 = await open('acc-a');
    const a2 = await open('acc-a');
    const a3 = await open('acc-a'); // third for acc-a: a1 ends
    expect(service.sessionModel('acc-a', a1.session)).toBeUndefined();
    expect(service.sessionModel('acc-a', a2.session)).toBe('small');
    expect(service.sessionModel('acc-b', a2.session)).toBeUndefined(); // not bob's
    expect(service.sessionModel('acc-a', a3.session)).toBe('small'); // a3 used last, a2 least recently
    const b1 = await open('acc-b'); // three in all: the limit
    const c1 = await open('acc-c'); // a fourth: the least recently used (a2) ends
    expect(service.sessions.size).toBe(3);
    expect(service.sessionModel('acc-a', a2.session)).toBeUndefined();
    expect(service.sessionModel('acc-b', b1.session)).toBe('small');
    now += 61_000;
    expect(service.sessionModel('acc-c', c1.session)).toBeUndefined();
    expect(service.sessions.size).toBe(0);
    expect(service.sessions.heldBytes).toBe(0);
    await expect(service.openSession('acc-a', 'nope', HE_PARAMETER_ID, keys)).rejects.toThrow(/no shipped model/);
  }, 120_000);
});
