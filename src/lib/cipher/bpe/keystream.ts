/**
 * The deterministic random source behind every BPE permutation: ChaCha20 keyed
 * by the BPE sub-key, nonce = 12 zero bytes (the sub-key is used for nothing
 * else), read as little-endian uint32 words. Uniform integers by rejection
 * sampling, permutations by Fisher–Yates. Part of the `bpe-v1` contract: the
 * order of draws is fixed in plan.ts and pinned by test vectors.
 */
import { chacha20 } from '@noble/ciphers/chacha.js';

const CHUNK_BLOCKS = 64; // 64 ChaCha blocks = 4 KiB of keystream per refill

export class Keystream {
  private words = new Uint32Array(0);
  private pos = 0;
  private counter = 0;
  private readonly nonce = new Uint8Array(12);

  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new Error('keystream key must be 32 bytes');
  }

  nextUint32(): number {
    if (this.pos === this.words.length) this.refill();
    return this.words[this.pos++];
  }

  /** Uniform integer in [0, n) without modulo bias. */
  uniform(n: number): number {
    if (!(n >= 1 && n <= 0x1_0000_0000)) throw new Error(`uniform(${n}): range out of bounds`);
    const limit = Math.floor(0x1_0000_0000 / n) * n;
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Fisher–Yates from the identity: for i = n-1 .. 1, swap(a[i], a[uniform(i+1)]). */
  permutation(n: number): Uint32Array {
    const a = new Uint32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.uniform(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** n bits, 32 per word, least significant bit first. */
  bits(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) {
      const w = this.nextUint32();
      for (let b = 0; b < 32 && i + b < n; b++) out[i + b] = (w >>> b) & 1;
    }
    return out;
  }

  private refill(): void {
    const bytes = chacha20(this.key, this.nonce, new Uint8Array(CHUNK_BLOCKS * 64), undefined, this.counter);
    this.counter += CHUNK_BLOCKS;
    this.words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    if (!isLittleEndian) for (let i = 0; i < this.words.length; i++) this.words[i] = byteSwap(this.words[i]);
    this.pos = 0;
  }
}

const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
function byteSwap(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}
