/**
 * CKKS encrypted head with node-seal (Node build): a random head of the shipped
 * shapes gives the plain logits after encrypt -> head on ciphertext -> decrypt,
 * for one image and for a batch spanning two ciphertexts; the server refuses bytes
 * that are not a fresh ciphertext; SEAL refuses parameters above 128-bit
 * security; and 1,000 encrypt + serialise calls (plus 20 full round trips) do not
 * grow SEAL's wasm heap, while keeping 40 ciphertexts alive does (the measure is
 * sensitive).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSealWithHeap } from '../../../testing/sealHeap';
import { seededUniform } from '../../random/seededRandom';
import { createCkksClient, type CkksClient } from './client';
import { plainHead, type LinearHead } from './head';
import { CKKS_PARAMETERS, createCkksContext, SCALE, type Seal } from './params';
import { sealScope } from './scope';
import { createCkksHead, type CkksHead } from './server';

function randomHead(features: number, classes: number, seed: number): LinearHead {
  const r = seededUniform(seed);
  return {
    features,
    classes,
    weights: Float64Array.from({ length: features * classes }, () => (r() * 2 - 1) * 0.3),
    bias: Float64Array.from({ length: classes }, () => r() - 0.5),
  };
}

const features = (n: number, F: number, seed: number) => {
  const r = seededUniform(seed);
  // layer-normed features: about unit variance, a few large values
  return Array.from({ length: n }, () => Float64Array.from({ length: F }, () => (r() * 2 - 1) * 3));
};

function maxDiff(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let m = 0;
  a.forEach((row, i) => Array.from(row).forEach((v, c) => (m = Math.max(m, Math.abs(v - b[i][c])))));
  return m;
}

describe('CKKS encrypted linear head', () => {
  let seal: Seal;
  let heapBytes: () => number;
  let client: CkksClient;
  let server: CkksHead;
  const head = randomHead(128, 4, 7);

  beforeAll(async () => {
    ({ seal, heapBytes } = await loadSealWithHeap());
    client = createCkksClient(seal, head);
    server = createCkksHead(seal, head, client.evaluationKeys());
  }, 60_000);
  afterAll(() => {
    server?.dispose();
    client?.dispose();
  });

  it('uses N = 8192, 60+40+60 bits, 128-bit security, and SEAL refuses a longer chain at tc128', () => {
    expect(CKKS_PARAMETERS.polyModulusDegree).toBe(8192);
    expect(CKKS_PARAMETERS.coeffModulusBits.reduce((a: number, b) => a + b, 0)).toBeLessThanOrEqual(218);
    createCkksContext(seal).dispose();
    sealScope((s) => {
      const parms = s.keep(seal.EncryptionParameters(seal.SchemeType.ckks));
      parms.setPolyModulusDegree(8192);
      parms.setCoeffModulus(s.keep(seal.CoeffModulus.Create(8192, Int32Array.from([60, 60, 60, 60]))));
      const ctx = s.keep(seal.Context(parms, true, seal.SecurityLevel.tc128));
      expect(ctx.parametersSet()).toBe(false);
    });
  });

  it('one image: decrypted logits equal the plain head within 1e-5 (observed ~2e-6), one seeded ciphertext under 120 KB', () => {
    const x = features(1, 128, 1);
    const up = client.encrypt(x);
    expect(up.ciphertexts).toHaveLength(1);
    expect(up.ciphertexts[0].length).toBeLessThan(120_000);
    const got = client.decrypt(server.apply(up));
    const diff = maxDiff(
      got,
      x.map((v) => plainHead(head, v)),
    );
    console.log(`CKKS one image: max |logit diff| ${diff.toExponential(2)}, ${up.ciphertexts[0].length} bytes up`);
    expect(diff).toBeLessThan(1e-5);
  });

  it('a batch over two ciphertexts (31 + 9 images) keeps every image in its place', () => {
    const x = features(40, 128, 2);
    const up = client.encrypt(x);
    expect(up.ciphertexts).toHaveLength(2);
    const got = client.decrypt(server.apply(up));
    expect(got).toHaveLength(40);
    expect(
      maxDiff(
        got,
        x.map((v) => plainHead(head, v)),
      ),
    ).toBeLessThan(1e-5);
  });

  it('refuses what is not a fresh ciphertext for this head', () => {
    const up = client.encrypt(features(1, 128, 3));
    expect(() => server.apply({ ...up, ciphertexts: [new Uint8Array(100)] })).toThrow();
    const once = server.apply(up); // a result is one level down: not a fresh ciphertext
    expect(() => server.apply({ ...up, ciphertexts: once.ciphertexts })).toThrow(/not a fresh encryption/);
    expect(() => server.apply({ ...up, classes: 3 })).toThrow(/takes F = 128, C = 4/);
    expect(() => server.apply({ ...up, count: 40 })).toThrow(/need 2 ciphertexts/);
    // a ciphertext at another scale would decrypt to scaled logits: refused
    const wrongScale = sealScope((s) => {
      const ctx = createCkksContext(seal);
      try {
        const ct = s.keep(seal.CipherText());
        ct.loadArray(ctx.context, up.ciphertexts[0]);
        ct.setScale(SCALE * 2);
        return ct.saveArray(seal.ComprModeType.zstd);
      } finally {
        ctx.dispose();
      }
    });
    expect(() => server.apply({ ...up, ciphertexts: [wrongScale] })).toThrow(/not a fresh encryption/);
  });

  it('1,000 encryptions and 20 round trips do not grow the wasm heap; 40 kept ciphertexts do', () => {
    const x = features(1, 128, 4);
    for (let i = 0; i < 20; i++) client.decrypt(server.apply(client.encrypt(x))); // warm the allocator
    const before = heapBytes();
    for (let i = 0; i < 1000; i++) client.encrypt(x);
    for (let i = 0; i < 20; i++) client.decrypt(server.apply(client.encrypt(x)));
    const after = heapBytes();
    console.log(`wasm heap ${(before / 2 ** 20).toFixed(0)} MiB before, ${(after / 2 ** 20).toFixed(0)} MiB after`);
    expect(after).toBe(before);
    // control: the same measure sees ciphertexts that are not deleted
    const kept = sealScope((s) => {
      const ctx = createCkksContext(seal);
      try {
        const encoder = ctx.encoder;
        const plain = s.keep(encoder.encode(new Float64Array(4096).fill(1), SCALE));
        const keygen = s.keep(seal.KeyGenerator(ctx.context));
        const enc = s.keep(seal.Encryptor(ctx.context, s.keep(keygen.createPublicKey()), s.keep(keygen.secretKey())));
        const leaked = Array.from({ length: 40 }, () => s.keep(enc.encryptSymmetric(plain)));
        return { grown: heapBytes() > after, count: leaked.length };
      } finally {
        ctx.dispose();
      }
    });
    expect(kept).toEqual({ grown: true, count: 40 });
  }, 120_000);
});
