/**
 * What the update of a first linear layer y = x W + b gives away, in closed
 * form (pure maths, Float64, no tensors).
 *
 * One input vector x (a fully connected first layer, one image): dL/dW = xᵀ g
 * and dL/db = g, so for any output i with g_i ≠ 0, x = dL/dW[:, i] / dL/db_i
 * exactly (Phong et al. 2017; Geiping et al. 2020, "inverting gradients").
 *
 * A layer shared by T tokens, like the ViT's patch embedding (64 blocks of one
 * image through one W): dL/dW = Xᵀ G with G the per-token output gradients
 * [T, E], and the ratio above returns a G-weighted mixture of the T patches.
 * If the attacker also knows G (from the position embeddings' gradient, see
 * patchEmbeddingLeak.ts), X solves Gᵀ X = dL/dWᵀ: least squares, exact when
 * G has full row rank (T ≤ E). Never logs what it recovers.
 */

/** x = dW[:, i] / db_i for the output i with the largest |db_i|. dW is [P, E] row-major. */
export function invertSingleInput(dW: ArrayLike<number>, db: ArrayLike<number>): Float64Array {
  const E = db.length;
  const P = dW.length / E;
  if (!Number.isInteger(P)) throw new Error(`dW has ${dW.length} values: not a multiple of ${E} outputs`);
  let best = 0;
  for (let i = 1; i < E; i++) if (Math.abs(db[i]) > Math.abs(db[best])) best = i;
  if (db[best] === 0) throw new Error('the bias gradient is zero everywhere: nothing to divide by');
  const x = new Float64Array(P);
  for (let p = 0; p < P; p++) x[p] = dW[p * E + best] / db[best];
  return x;
}

/**
 * X [T, P] from dW = Xᵀ G ([P, E]) and G ([T, E]): X = (G Gᵀ + ridge·I)⁻¹ G dWᵀ.
 * `ridge` is relative to the mean diagonal of G Gᵀ (0 = plain least squares).
 */
export function unmixSharedLayer(dW: ArrayLike<number>, G: ArrayLike<number>, T: number, ridge = 0): Float64Array {
  const E = G.length / T;
  const P = dW.length / E;
  if (!Number.isInteger(E) || !Number.isInteger(P)) throw new Error('dW and G do not share an output width');
  const A = new Float64Array(T * T);
  for (let s = 0; s < T; s++)
    for (let t = s; t < T; t++) {
      let sum = 0;
      for (let e = 0; e < E; e++) sum += G[s * E + e] * G[t * E + e];
      A[s * T + t] = A[t * T + s] = sum;
    }
  let trace = 0;
  for (let t = 0; t < T; t++) trace += A[t * T + t];
  for (let t = 0; t < T; t++) A[t * T + t] += (ridge * trace) / T;
  const B = new Float64Array(T * P);
  for (let t = 0; t < T; t++)
    for (let p = 0; p < P; p++) {
      let sum = 0;
      for (let e = 0; e < E; e++) sum += G[t * E + e] * dW[p * E + e];
      B[t * P + p] = sum;
    }
  return solveSymmetric(A, B, T, P);
}

/** Solves A X = B for symmetric positive definite A [n, n] (Cholesky), B [n, m]; throws if A is singular. */
export function solveSymmetric(A: Float64Array, B: Float64Array, n: number, m: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let sum = A[i * n + j];
      for (let k = 0; k < j; k++) sum -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(sum > 0))
          throw new Error('the token gradients are linearly dependent: the system has no unique solution');
        L[i * n + i] = Math.sqrt(sum);
      } else L[i * n + j] = sum / L[j * n + j];
    }
  const X = Float64Array.from(B);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let sum = X[i * m + c];
      for (let k = 0; k < i; k++) sum -= L[i * n + k] * X[k * m + c];
      X[i * m + c] = sum / L[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = X[i * m + c];
      for (let k = i + 1; k < n; k++) sum -= L[k * n + i] * X[k * m + c];
      X[i * m + c] = sum / L[i * n + i];
    }
  }
  return X;
}
