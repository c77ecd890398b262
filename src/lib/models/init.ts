import { SeededRandom } from '../random/seededRandom';

/**
 * The models' random stream (initial weights, shuffles, augmentation): the
 * project's mulberry32 generator, seeded with seed ^ 0x9e3779b9 and drawing a
 * fresh pair of uniforms for every normal. Written here, not tf.random*, so that
 * the same seed gives the same model on every backend; its exact stream is kept
 * so that the shipped models' training runs reproduce.
 */
export class ModelRandom extends SeededRandom {
  constructor(seed: number) {
    super(((seed >>> 0) ^ 0x9e3779b9) >>> 0);
  }
  override normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** Plain named arrays: what gets initialised, serialised and adapted. */
export type HostWeights = Record<string, HostTensor>;

export function truncNormal(rng: ModelRandom, shape: number[], std: number): HostTensor {
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
