import { describe, expect, it, vi } from 'vitest';
import { sha256Hex, fromHex } from '../../bytes/bytes';
import { generateKey, keyFromBytes } from '../../keys/key';
import { decryptImage, encryptImage, gather } from './bpe';
import { encryptFourPass } from './fourPass';
import { Keystream } from './keystream';
import { composePlan, drawFromKeystream, planForKey } from './plan';
import { BPE_TEST_VECTORS, testImage } from '../../../testing/bpeTestVectors';

const image = (size: number) => ({ width: size, height: size, data: testImage(size) });

describe('keystream', () => {
  it('draws valid permutations and unbiased-looking uniforms', () => {
    const ks = new Keystream(new Uint8Array(32).fill(7));
    const p = ks.permutation(625);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(625).keys()]);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 6000; i++) counts[ks.uniform(6)]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });
  it('is deterministic per key and differs between keys', () => {
    const a = new Keystream(new Uint8Array(32).fill(1)).permutation(64);
    const b = new Keystream(new Uint8Array(32).fill(1)).permutation(64);
    const c = new Keystream(new Uint8Array(32).fill(2)).permutation(64);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('block-pixel encryption', () => {
  it('decrypt(encrypt(x)) == x bit-exactly, default geometry', async () => {
    const plan = await planForKey(await generateKey());
    const x = image(200);
    const e = encryptImage(plan, x);
    expect(e.data).not.toEqual(x.data);
    expect(decryptImage(plan, e).data).toEqual(x.data);
  });

  it('fused gather equals the four-step implementation', async () => {
    for (const [S, B] of [
      [200, 25],
      [64, 16],
      [30, 5],
    ]) {
      const key = await generateKey();
      const plan = await planForKey(key, { imageSize: S, blockSize: B });
      const x = testImage(S);
      expect(gather(plan, x)).toEqual(encryptFourPass(plan, x));
    }
  });

  it('in-block maps are the same for every block (the known weakness)', async () => {
    const plan = await planForKey(await generateKey(), { imageSize: 50, blockSize: 25 });
    expect(plan.blockSrc.length).toBe(25 * 25 * 3);
    // slot 0 of the output comes from the plain block blockPerm[0], at offset blockSrc[0]
    expect(plan.flip[0]).toBe(plan.blockFlip[0]);
  });

  it('batches: a batch encrypts like its images one by one', async () => {
    const plan = await planForKey(await generateKey(), { imageSize: 50, blockSize: 25 });
    const a = testImage(50);
    const b = a.map((v) => 255 - v);
    const batch = new Uint8Array(a.length * 2);
    batch.set(a);
    batch.set(b, a.length);
    const out = gather(plan, batch);
    expect(out.subarray(0, a.length)).toEqual(gather(plan, a));
    expect(out.subarray(a.length)).toEqual(gather(plan, b));
  });

  it('different keys give different images', async () => {
    const x = image(200);
    const e1 = encryptImage(await planForKey(await generateKey()), x);
    const e2 = encryptImage(await planForKey(await generateKey()), x);
    let same = 0;
    for (let i = 0; i < e1.data.length; i++) if (e1.data[i] === e2.data[i]) same++;
    expect(same / e1.data.length).toBeLessThan(0.1);
  });

  it('rejects sizes that are not a multiple of the block', async () => {
    await expect(planForKey(await generateKey(), { imageSize: 200, blockSize: 30 })).rejects.toThrow(/multiple/);
  });

  it('zeroes the BPE sub-key bytes as soon as the plan is drawn', async () => {
    const derived: ArrayBuffer[] = [];
    const deriveBits = crypto.subtle.deriveBits.bind(crypto.subtle);
    const spy = vi.spyOn(crypto.subtle, 'deriveBits').mockImplementation(async (...args) => {
      const bits = await deriveBits(...args);
      derived.push(bits);
      return bits;
    });
    try {
      const key = await generateKey();
      const plan = await planForKey(key);
      expect(derived).toHaveLength(1);
      expect(new Uint8Array(derived[0]).every((b) => b === 0)).toBe(true);
      // the plan is still the key's (same tables as a fresh draw)
      expect((await planForKey(key)).src).toEqual(plan.src);
    } finally {
      spy.mockRestore();
    }
  });

  it('rejects geometries no plan should be drawn for (a header names them: hostile input)', async () => {
    const key = await generateKey();
    await expect(planForKey(key, { imageSize: 2048, blockSize: 2048 })).rejects.toThrow(/larger than/);
    await expect(planForKey(key, { imageSize: 200, blockSize: 1 })).rejects.toThrow(/too small/);
  });

  it('reproduces the published bpe-v1 test vectors', async () => {
    expect(BPE_TEST_VECTORS.length).toBeGreaterThan(0);
    for (const v of BPE_TEST_VECTORS) {
      const key = await keyFromBytes(fromHex(v.keyHex), 'imported');
      const plan = await planForKey(key, v);
      const x = testImage(v.imageSize);
      expect(await sha256Hex(x)).toBe(v.plainSha256);
      expect(await sha256Hex(gather(plan, x))).toBe(v.encryptedSha256);
    }
  });

  it('composes step maps consistently from raw draws', () => {
    const d = drawFromKeystream(new Keystream(new Uint8Array(32).fill(3)), { imageSize: 50, blockSize: 25 });
    const plan = composePlan(d);
    expect(gather(plan, testImage(50))).toEqual(encryptFourPass(d, testImage(50)));
  });
});
