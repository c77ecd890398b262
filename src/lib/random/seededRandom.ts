/**
 * Small seeded PRNG (mulberry32) for reproducible attacks and test data: the same
 * seed gives the same damaged pixels on every run and machine. It is NOT a key
 * source and must never be used for anything secret; keys come from
 * crypto.getRandomValues / the BPE keystream.
 */
export class SeededRandom {
  private state: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error('seed must be a finite number');
    this.state = Math.trunc(seed) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). Tiny modulo bias is irrelevant here (not a key). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal by Box–Muller (pairs cached). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const s = this.spareNormal;
      this.spareNormal = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(a: T[] | Uint32Array | Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** `count` distinct indices of [0, n), by a partial Fisher–Yates shuffle. */
  sampleIndices(n: number, count: number): Uint32Array {
    if (count > n) throw new Error(`cannot pick ${count} of ${n}`);
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + this.int(n - i);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx.slice(0, count);
  }
}

/** Uniform noise image, for tests and as an "independent" baseline. */
export function noiseBytes(length: number, seed: number): Uint8Array {
  const rng = new SeededRandom(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.int(256);
  return out;
}

/** A bare uniform [0, 1) generator, for code that only needs `rand()` (phantoms, benchmark images). */
export function seededUniform(seed: number): () => number {
  const r = new SeededRandom(seed);
  return () => r.next();
}
