/**
 * Gradient inversion of an unprotected single-image update of the ViT
 * (analytic; docs/ARCHITECTURE.md §9). The victim computes what a client would
 * send in plain FedSGD: the loss gradients of one labelled image. The attacker
 * knows the model's weights (the server sent them) and reads the patches back,
 * layer by layer, with closed-form least squares only (linearLeak.ts):
 *
 * 1. dL/dpos_t = h_t, the gradient at token t after the token MLP (the
 *    position embedding is added there, once per token).
 * 2. The token MLP's second layer is a shared linear layer whose per-token
 *    output gradients are h_t: its update gives its inputs a_t = gelu(z_t).
 * 3. Its first layer's output gradients are (h_t W2ᵀ) ⊙ gelu'(z_t): its update
 *    gives its inputs, the layer-normed embeddings. GELU is not one-to-one
 *    below its minimum (z ≈ -0.75), so z_t = gelu⁻¹(a_t) takes the upper
 *    branch first, then the branch nearest to what the recovered inputs give.
 *    Exact while pre-activations stay above the minimum; the shipped lung
 *    ViT has a handful of 12,288 per image just below it, where both branches
 *    have nearly the same slope. `biasResidual` shows how well it went.
 * 4. The patch embedding's output gradients are g_t = h_t + k_t / σ_t, with k_t
 *    known from step 3 and σ_t the unknown spread of embedding t; the bias
 *    update Σ_t g_t gives the 64 values 1 / σ_t (96 equations).
 * 5. The patch embedding's update dL/dW = Xᵀ G then gives the patches X.
 *
 * Models with a stem between the embedding and the token MLP (the brain ViT)
 * need one more layer of this and are refused. In the product the patch
 * embedding is fixed and never sent, and updates travel under CKKS: this
 * measures what an unprotected update would give away, the paper's threat.
 * Never logs pixels.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../../image/rgb';
import { gridSide } from '../../models/config';
import { solveSymmetric, unmixSharedLayer } from './linearLeak';
import { bytesOf, pixelsOf, type PixelVit } from './pixelVit';

/** What this attack reads from an update (plain, as unprotected FedSGD would send it): name -> gradient. */
export type ModelUpdate = Record<string, Float32Array>;

const UPDATE_NAMES = ['patch.w', 'patch.b', 'pos', 'token.w1', 'token.w2'];

/** The victim's update: cross-entropy gradients of one labelled image through the model's identity view. */
export function singleImageUpdate(vit: PixelVit, image: RgbImage, label: number): ModelUpdate {
  const names = UPDATE_NAMES.filter((n) => vit.weights[n]);
  const grads = tf.tidy(() => {
    const pixels = pixelsOf(image);
    const target = tf.oneHot([label], vit.config.classes.length).toFloat();
    const loss = (...params: tf.Tensor[]) => {
      const w = { ...vit.weights };
      names.forEach((n, i) => (w[n] = params[i]));
      return tf.losses.softmaxCrossEntropy(target, vit.outputs(pixels, w).logits) as tf.Scalar;
    };
    return tf.grads(loss)(names.map((n) => vit.weights[n]));
  });
  const out: ModelUpdate = {};
  names.forEach((n, i) => (out[n] = grads[i].dataSync() as Float32Array));
  grads.forEach((g) => g.dispose());
  return out;
}

export interface PatchLeak {
  /** the recovered model input */
  image: RgbImage;
  /** |Σ_t g_t − dL/db| / |dL/db| for the recovered token gradients: 0 when they explain the bias update exactly */
  biasResidual: number;
}

/** The attacker: the model input back from one image's update and the public weights. */
export function recoverFromUpdate(vit: PixelVit, update: ModelUpdate): PatchLeak {
  const cfg = vit.config;
  if (cfg.embedDim !== undefined)
    throw new Error('this model has a stem between its patch embedding and its token MLP: not supported here');
  const side = gridSide(cfg);
  const T = side * side;
  const need = (n: string) => {
    const g = update[n];
    if (!g) throw new Error(`the update lacks "${n}"`);
    return g;
  };
  const H = need('pos');
  const db = need('patch.b');
  const G = cfg.tokenMlpDim > 0 ? embeddingGradients(vit, update, T) : Float64Array.from(H);
  const X = unmixSharedLayer(need('patch.w'), G, T);
  const E = db.length;
  const sum = new Float64Array(E);
  for (let t = 0; t < T; t++) for (let e = 0; e < E; e++) sum[e] += G[t * E + e];
  return {
    image: unpatchify(X, cfg.imageSize, cfg.patchSize, cfg.inputCentre ?? 0),
    biasResidual: relativeDistance(sum, db),
  };
}

const host = (vit: PixelVit, name: string) => vit.weights[name].dataSync() as Float32Array;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const gelu = (z: number) => z * sigmoid(1.702 * z); // ops.ts's sigmoid form
const geluSlope = (z: number) => {
  const s = sigmoid(1.702 * z);
  return s + 1.702 * z * s * (1 - s);
};
/** GELU's minimum is at z ≈ -0.7518: a value above it has one preimage there, one below it if negative. */
const GELU_ARGMIN = -0.75179;
const GELU_MIN = gelu(GELU_ARGMIN);
function bisect(a: number, lo: number, hi: number, rising: boolean): number {
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (gelu(mid) < a === rising) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
/** The preimage of a = gelu(z) on the branch nearest to `near` (the upper branch when no hint). */
function geluInverse(a: number, near = 0): number {
  if (a <= GELU_MIN) return GELU_ARGMIN;
  const upper = bisect(a, GELU_ARGMIN, Math.max(1, a + 1), true);
  if (a >= 0) return upper;
  const lower = bisect(a, -40, GELU_ARGMIN, false);
  return Math.abs(lower - near) < Math.abs(upper - near) ? lower : upper;
}

/** Steps 1-4 of the header: the patch embedding's per-token output gradients G [T, E]. */
function embeddingGradients(vit: PixelVit, update: ModelUpdate, T: number): Float64Array {
  const H = update['pos'];
  const D = H.length / T;
  const W1 = host(vit, 'token.w1'); // [D, M]
  const W2 = host(vit, 'token.w2'); // [M, D]
  const b1 = host(vit, 'token.b1');
  const gamma = host(vit, 'token.ln.g');
  const beta = host(vit, 'token.ln.b');
  const M = b1.length;
  const A = unmixSharedLayer(update['token.w2'], H, T); // [T, M]
  const dA = new Float64Array(T * M); // H W2ᵀ
  for (let t = 0; t < T; t++)
    for (let m = 0; m < M; m++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += H[t * D + d] * W2[m * D + d];
      dA[t * M + m] = s;
    }
  // z from a = gelu(z): the upper branch first, then the branch nearest to what the recovered
  // inputs give; the round whose inputs best reproduce the activations A is kept (a wrong
  // branch can make the rounds wander instead of settle)
  let Z: Float64Array = A.map((a) => geluInverse(a));
  const dZ = new Float64Array(T * M);
  let best = { misfit: Infinity, Z };
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < dZ.length; i++) dZ[i] = dA[i] * geluSlope(Z[i]);
    const LN = unmixSharedLayer(update['token.w1'], dZ, T);
    const next = new Float64Array(T * M);
    let misfit = 0;
    let changed = 0;
    for (let t = 0; t < T; t++)
      for (let m = 0; m < M; m++) {
        let s = b1[m];
        for (let d = 0; d < D; d++) s += LN[t * D + d] * W1[d * M + m];
        const i = t * M + m;
        misfit += (gelu(s) - A[i]) ** 2;
        next[i] = geluInverse(A[i], s);
        if (next[i] < GELU_ARGMIN !== Z[i] < GELU_ARGMIN) changed++;
      }
    if (misfit < best.misfit) best = { misfit, Z };
    Z = next;
    if (changed === 0) break;
  }
  Z = best.Z;
  for (let i = 0; i < dZ.length; i++) dZ[i] = dA[i] * geluSlope(Z[i]);
  const LN = unmixSharedLayer(update['token.w1'], dZ, T);
  // k_t: the layer norm's backward pass at unit spread
  const K = new Float64Array(T * D);
  for (let t = 0; t < T; t++) {
    const n = new Float64Array(D);
    const dn = new Float64Array(D);
    for (let d = 0; d < D; d++) {
      n[d] = (LN[t * D + d] - beta[d]) / gamma[d];
      let s = 0;
      for (let m = 0; m < M; m++) s += dZ[t * M + m] * W1[d * M + m];
      dn[d] = s * gamma[d];
    }
    let meanDn = 0;
    let meanDnN = 0;
    for (let d = 0; d < D; d++) {
      meanDn += dn[d] / D;
      meanDnN += (dn[d] * n[d]) / D;
    }
    for (let d = 0; d < D; d++) K[t * D + d] = dn[d] - meanDn - n[d] * meanDnN;
  }
  // Σ_t (h_t + s_t k_t) = dL/db, for s_t = 1 / σ_t
  const db = update['patch.b'];
  const r = Float64Array.from(db);
  for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) r[d] -= H[t * D + d];
  const KKt = new Float64Array(T * T);
  const Kr = new Float64Array(T);
  for (let s = 0; s < T; s++) {
    for (let d = 0; d < D; d++) Kr[s] += K[s * D + d] * r[d];
    for (let t = s; t < T; t++) {
      let v = 0;
      for (let d = 0; d < D; d++) v += K[s * D + d] * K[t * D + d];
      KKt[s * T + t] = KKt[t * T + s] = v;
    }
  }
  const inverseSpread = solveSymmetric(KKt, Kr, T, 1);
  const G = new Float64Array(T * D);
  for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) G[t * D + d] = H[t * D + d] + inverseSpread[t] * K[t * D + d];
  return G;
}

/** Centred patches X [T, B*B*3] (patchify's order) back to the S x S model input. */
function unpatchify(X: Float64Array, S: number, B: number, centre: number): RgbImage {
  const side = S / B;
  const P = B * B * 3;
  const pixels = new Float64Array(S * S * 3);
  for (let t = 0; t < side * side; t++) {
    const y0 = Math.floor(t / side) * B;
    const x0 = (t % side) * B;
    for (let i = 0; i < P; i++) {
      const row = Math.floor(i / (3 * B));
      const col = Math.floor(i / 3) % B;
      pixels[((y0 + row) * S + x0 + col) * 3 + (i % 3)] = X[t * P + i] + centre;
    }
  }
  return { width: S, height: S, data: bytesOf(pixels) };
}

function relativeDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-300));
}
