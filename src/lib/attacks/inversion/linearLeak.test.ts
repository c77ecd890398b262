import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../random/seededRandom';
import { invertSingleInput, solveSymmetric, unmixSharedLayer } from './linearLeak';

const rng = new SeededRandom(11);
const randoms = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
/** dW = Xᵀ G for X [T, P], G [T, E], row-major [P, E] */
function sharedUpdate(X: Float64Array, G: Float64Array, T: number, P: number, E: number): Float64Array {
  const dW = new Float64Array(P * E);
  for (let t = 0; t < T; t++)
    for (let p = 0; p < P; p++) for (let e = 0; e < E; e++) dW[p * E + e] += X[t * P + p] * G[t * E + e];
  return dW;
}
const maxError = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('linear layer leaks', () => {
  it('one input: dW[:, i] / db_i is the input exactly', () => {
    const x = randoms(30);
    const g = randoms(8);
    const dW = sharedUpdate(x, g, 1, 30, 8);
    expect(maxError(invertSingleInput(dW, g), x)).toBeLessThan(1e-12);
  });

  it('a shared layer: the bias ratio gives a mixture, the token gradients give every input', () => {
    const T = 6;
    const X = randoms(T * 20);
    const G = randoms(T * 9);
    const dW = sharedUpdate(X, G, T, 20, 9);
    const db = new Float64Array(9);
    for (let t = 0; t < T; t++) for (let e = 0; e < 9; e++) db[e] += G[t * 9 + e];
    const ratio = invertSingleInput(dW, db);
    const nearest = Math.min(...Array.from({ length: T }, (_, t) => maxError(ratio, X.subarray(t * 20, (t + 1) * 20))));
    expect(nearest).toBeGreaterThan(0.1);
    expect(maxError(unmixSharedLayer(dW, G, T), X)).toBeLessThan(1e-9);
  });

  it('refuses dependent token gradients and a zero bias gradient', () => {
    const G = new Float64Array(3 * 4).fill(1);
    expect(() => unmixSharedLayer(new Float64Array(5 * 4), G, 3)).toThrow(/linearly dependent/);
    expect(() => invertSingleInput(new Float64Array(8), new Float64Array(4))).toThrow(/zero/);
    expect(() => solveSymmetric(new Float64Array([1, 2, 2, 1]), new Float64Array(2), 2, 1)).toThrow();
  });
});
