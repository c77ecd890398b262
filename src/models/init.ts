/**
 * Seeded initial weights. A small counter-based PRNG written here (not
 * tf.random*) so that the same seed gives the same model on every backend.
 */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = (seed >>> 0) ^ 0x9e3779b9;
  }
  /** uniform in [0, 1) (mulberry32) */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** Fisher–Yates shuffle in place */
  shuffle<T>(a: T[] | Uint32Array | Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** Plain named arrays: what gets initialised, serialised and adapted. */
export type HostWeights = Record<string, HostTensor>;

export function truncNormal(rng: SeededRandom, shape: number[], std: number): HostTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let v = rng.normal();
    while (Math.abs(v) > 2) v = rng.normal();
    data[i] = v * std;
  }
  return { shape, data };
}

export function filled(shape: number[], value: number): HostTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: new Float32Array(size).fill(value) };
}
