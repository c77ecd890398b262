/**
 * encryptedInference.ts with real CKKS (node-seal's Node build) and a fake server
 * that does what src/apps/server/routes/he.ts does (a head on ciphertext): the
 * decrypted answer matches the plain head to 1e-4 and the same class; the session
 * is ended and the key freed, also when the server refuses; a server head of
 * another shape is refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSealWithHeap } from '../../../../testing/sealHeap';
import { seededUniform } from '../../../../lib/random/seededRandom';
import {
  createCkksClient,
  createCkksHead,
  plainHead,
  type CkksClient,
  type LinearHead,
  type Seal,
} from '../../../../lib/cipher/ckks';
import { certaintyOfLogits } from '../../../../lib/diagnosis/abstention';
import { decodeHeFrame, encodeHeFrame } from '../../../../lib/serverClient';
import { argmax, compareLogits } from '../../../../lib/diagnosis/compareLogits';
import { diagnoseEncrypted, type CkksSide } from './encryptedInference';

const F = 64;
const C = 4;
let seal: Seal;
beforeAll(async () => {
  seal = (await loadSealWithHeap()).seal;
});

function randomHead(seed: number): LinearHead {
  const r = seededUniform(seed);
  return {
    features: F,
    classes: C,
    weights: Float64Array.from({ length: F * C }, () => (r() * 2 - 1) * 0.3),
    bias: Float64Array.from({ length: C }, () => r() - 0.5),
  };
}

/** The device side, in process, counting opens and closes. */
function localCkks(): CkksSide & { opened: number; closed: number } {
  let client: CkksClient | undefined;
  const side = {
    opened: 0,
    closed: 0,
    async open(shape: { features: number; classes: number }) {
      side.opened++;
      client = createCkksClient(seal, shape);
      return { galoisKeys: client.evaluationKeys() };
    },
    encrypt: async (f: Float32Array) => client!.encrypt([f]),
    decrypt: async (b: Parameters<CkksClient['decrypt']>[0]) => client!.decrypt(b)[0],
    async close() {
      side.closed++;
      client?.dispose();
      client = undefined;
    },
  };
  return side;
}

interface Seen {
  method: string;
  url: string;
  body?: Uint8Array;
}

/** A server holding `head`: opens a session with the Galois keys, applies the head on ciphertext. */
function fakeServer(head: LinearHead, seen: Seen[], refuseInfer = false) {
  let server: ReturnType<typeof createCkksHead> | undefined;
  return async (url: string, init: { method: string; body?: Uint8Array }) => {
    seen.push({ method: init.method, url, body: init.body });
    if (init.method === 'POST' && url.includes('/api/he/sessions?')) {
      server = createCkksHead(seal, head, init.body!);
      const json = { session: 's1', model: 'm', params: 'p', features: F, classes: C, imagesPerCiphertext: 1 };
      return new Response(JSON.stringify(json), { status: 200 });
    }
    if (init.method === 'POST' && url.endsWith('/infer')) {
      if (refuseInfer) return new Response(JSON.stringify({ error: 'nope', message: 'refused' }), { status: 503 });
      const frame = decodeHeFrame(init.body!, { maxCiphertexts: 8, maxCiphertextBytes: 1 << 22 });
      const out = server!.apply({ features: F, classes: C, count: frame.images, ciphertexts: frame.ciphertexts });
      return new Response(encodeHeFrame({ images: out.count, ciphertexts: out.ciphertexts }), { status: 200 });
    }
    if (init.method === 'DELETE') {
      server?.dispose();
      return new Response('{}', { status: 200 });
    }
    return new Response('{}', { status: 404 });
  };
}

describe('diagnoseEncrypted', () => {
  const head = randomHead(3);
  const r = seededUniform(9);
  const features = Float32Array.from({ length: F }, () => (r() * 2 - 1) * 3);
  const plain = Array.from(plainHead(head, features));
  const local = { features, logits: plain, classIndex: argmax(plain) };

  it('answers what the plain head answers, through ciphertext only, and cleans up', async () => {
    const seen: Seen[] = [];
    const ckks = localCkks();
    const result = await diagnoseEncrypted({
      model: 'm',
      classes: ['a', 'b', 'c', 'd'],
      local,
      server: { baseUrl: 'http://server.test', token: 't' },
      ckks,
      call: { fetch: fakeServer(head, seen) as never },
    });
    expect(result.agree).toBe(true);
    expect(result.serverClassIndex).toBe(local.classIndex);
    expect(result.maxAbsLogitDiff).toBeLessThanOrEqual(1e-4);
    expect(result.maxAbsLogitDiff).toBeGreaterThan(0); // CKKS is approximate: an exact 0 would mean no encryption
    const infer = seen.find((s) => s.url.endsWith('/infer'))!;
    expect(Buffer.from(infer.body!.subarray(0, 4)).toString('latin1')).toBe('CSHE');
    expect(result.bytesUp).toBe(infer.body!.length);
    expect(result.bytesUp).toBeGreaterThan(F * 8 * 10); // a ciphertext, far more than the plain numbers
    // the plain features are in no request body
    const plainBytes = Buffer.from(features.buffer);
    expect(seen.some((s) => s.body && Buffer.from(s.body).includes(plainBytes.subarray(0, 16)))).toBe(false);
    expect(seen.at(-1)?.method).toBe('DELETE');
    expect([ckks.opened, ckks.closed]).toEqual([1, 1]);
  });

  it('shows it when the server answers with another head: the difference is large', async () => {
    const result = await diagnoseEncrypted({
      model: 'm',
      classes: ['a', 'b', 'c', 'd'],
      local,
      server: { baseUrl: 'http://server.test', token: 't' },
      ckks: localCkks(),
      call: { fetch: fakeServer(randomHead(4), []) as never },
    });
    expect(result.maxAbsLogitDiff).toBeGreaterThan(0.01);
  });

  it("reads the server's answer through the model's temperature: Uncertain where the local answer is", async () => {
    const run = (minConfidence?: number) =>
      diagnoseEncrypted({
        model: 'm',
        classes: ['a', 'b', 'c', 'd'],
        local: {
          ...local,
          ...(minConfidence !== undefined ? { calibration: { temperature: 0.7, minConfidence } } : {}),
        },
        server: { baseUrl: 'http://server.test', token: 't' },
        ckks: localCkks(),
        call: { fetch: fakeServer(head, []) as never },
      });
    const sure = certaintyOfLogits(plain, { temperature: 0.7, minConfidence: 0 }).confidence;
    expect(sure).toBeGreaterThan(0.3); // a threshold a little either side of it stays clear of CKKS noise
    expect(sure).toBeLessThan(0.99);
    const below = await run(sure + 0.01);
    expect(below.serverCertainty).toMatchObject({ uncertain: true, minConfidence: sure + 0.01 });
    expect(below.serverCertainty!.confidence).toBeCloseTo(sure, 4);
    expect(below.localCertainty).toEqual({ confidence: sure, minConfidence: sure + 0.01, uncertain: true });
    expect((await run(sure - 0.01)).serverCertainty?.uncertain).toBe(false);
    const unjudged = await run();
    expect([unjudged.serverCertainty, unjudged.localCertainty]).toEqual([undefined, undefined]); // no threshold shipped
  });

  it('ends the session and frees the key when the server refuses', async () => {
    const seen: Seen[] = [];
    const ckks = localCkks();
    await expect(
      diagnoseEncrypted({
        model: 'm',
        classes: ['a', 'b', 'c', 'd'],
        local,
        server: { baseUrl: 'http://server.test', token: 't' },
        ckks,
        call: { fetch: fakeServer(head, seen, true) as never },
      }),
    ).rejects.toThrow('refused');
    expect(seen.at(-1)?.method).toBe('DELETE');
    expect(ckks.closed).toBe(1);
  });

  it('refuses a server head of another shape', async () => {
    const ckks = localCkks();
    await expect(
      diagnoseEncrypted({
        model: 'm',
        classes: ['a', 'b', 'c'],
        local: { ...local, logits: plain.slice(0, 3) },
        server: { baseUrl: 'http://server.test', token: 't' },
        ckks,
        call: { fetch: fakeServer(head, []) as never },
      }),
    ).rejects.toThrow('another shape');
    expect(ckks.closed).toBe(1);
  });
});

describe('compareLogits', () => {
  it('reports agreement and the largest difference', () => {
    expect(compareLogits([1, 3, 2], [1.1, 2.9, 2])).toEqual({ agree: true, maxAbsLogitDiff: expect.closeTo(0.1, 9) });
    expect(compareLogits([3, 1], [1, 3]).agree).toBe(false);
    expect(() => compareLogits([1], [1, 2])).toThrow();
  });
});
