/**
 * Masked-CNN: a stem that is one linear map per 25 x 25 x 3 block (kernel = stride
 * = B), a keyed gather that puts the cells back in plain order (identity for the
 * plain model), then ConvNeXt-style blocks on the 8 x 8 grid (depthwise 3 x 3,
 * layer norm, pointwise MLP, residual), global average pooling and a dense head.
 * No operation may look inside a block before the stem.
 */
import * as tf from '@tensorflow/tfjs';
import { gridSide, type CnnConfig } from './config';
import {
  type ModelTensorInput,
  dense,
  depthwiseSame,
  embedBlocks,
  gelu,
  layerNorm,
  need,
  tokenStem,
  type Weights,
} from './ops';
import { filled, ModelRandom, truncNormal, type HostWeights } from './init';
import { initPatchEmbedding, initStem } from './embedding';

export function initCnn(cfg: CnnConfig, seed: number): HostWeights {
  const rng = new ModelRandom(seed);
  const D = cfg.width;
  const H = D * cfg.mlpRatio;
  const k2 = cfg.kernel * cfg.kernel;
  const w: HostWeights = {
    ...initPatchEmbedding(cfg, rng),
    'stem.ln.g': filled([D], 1),
    'stem.ln.b': filled([D], 0),
  };
  for (let l = 0; l < cfg.depth; l++) {
    const p = `block${l}.`;
    w[p + 'dw.w'] = truncNormal(rng, [k2, D], 1 / Math.sqrt(k2));
    w[p + 'dw.b'] = filled([D], 0);
    w[p + 'ln.g'] = filled([D], 1);
    w[p + 'ln.b'] = filled([D], 0);
    w[p + 'pw1.w'] = truncNormal(rng, [D, H], 1 / Math.sqrt(D));
    w[p + 'pw1.b'] = filled([H], 0);
    // small last layer: each residual block starts close to the identity
    w[p + 'pw2.w'] = truncNormal(rng, [H, D], 0.1 / Math.sqrt(H));
    w[p + 'pw2.b'] = filled([D], 0);
  }
  w['norm.g'] = filled([D], 1);
  w['norm.b'] = filled([D], 0);
  w['head.w'] = filled([D, cfg.classes.length], 0);
  w['head.b'] = filled([cfg.classes.length], 0);
  return { ...w, ...initStem(cfg, rng) };
}

export interface CnnOutputs {
  logits: tf.Tensor2D;
  /** pooled features after the last norm, [N, width] */
  features: tf.Tensor2D;
  /**
   * What the out-of-domain guard scores, [N, 2 * width]: the mean over cells of
   * the stemmed tokens (low-level appearance) and the pooled features before the
   * last norm (their magnitude). Both are the same for a plain image through the
   * plain model and its encryption through the adapted one.
   */
  domainFeatures: tf.Tensor2D;
}

/**
 * The keyed gather of an adapted model as a one-hot matrix [T, T]: row q selects
 * encrypted cell source[q], i.e. plain cell q.
 */
export type CellGather = tf.Tensor2D;

export function cellGather(source: Int32Array): CellGather {
  const T = source.length;
  const onehot = new Float32Array(T * T);
  source.forEach((s, q) => (onehot[q * T + s] = 1));
  return tf.tensor2d(onehot, [T, T]);
}

/**
 * Cells [N, T, E] put back in plain order by a product with the one-hot matrix,
 * exact in float32 (one 1 x value plus zeros). The batch is laid out as [T, N*E]
 * so that one plain matMul serves it: tfjs-wasm's gather kernel is slow, and so is
 * its broadcasting batch matMul (16 x 64 x 256 values, measured: gather 8.8 ms,
 * broadcast matMul 17.7 ms, this 2.2 ms; one image 0.6 vs 0.19 ms), and it sits on
 * the path of every encrypted diagnosis.
 */
function putCellsInPlainOrder(cells: tf.Tensor3D, g: CellGather): tf.Tensor3D {
  const [n, t, e] = cells.shape;
  if (n === 1) return tf.matMul(g, cells.reshape([t, e])).reshape([1, t, e]);
  const byCell = cells.transpose([1, 0, 2]).reshape([t, n * e]);
  return tf.matMul(g, byCell).reshape([t, n, e]).transpose([1, 0, 2]);
}

/**
 * images: [N, S, S, 3] or blocks [N, T, B*B*3], values 0..255. `cells` (adapted
 * models only): the keyed gather into plain cell order.
 */
export function cnnForward(cfg: CnnConfig, w: Weights, images: ModelTensorInput, cells?: CellGather): CnnOutputs {
  return cnnTrunk(cfg, w, cnnCells(cfg, w, images, cells));
}

/** The embedded cells [N, T, E] in plain order: cnnForward before the trunk. */
export function cnnCells(cfg: CnnConfig, w: Weights, images: ModelTensorInput, cells?: CellGather): tf.Tensor3D {
  const embedded = embedBlocks(images, cfg, w);
  return cells ? putCellsInPlainOrder(embedded, cells) : embedded;
}

/** Everything after the patch embedding and the keyed gather: cells [N, T, E] in plain order. */
export function cnnTrunk(cfg: CnnConfig, w: Weights, cells: tf.Tensor3D): CnnOutputs {
  const n = cells.shape[0];
  const g = gridSide(cfg);
  const D = cfg.width;
  const stemmed = cfg.embedDim === undefined ? cells : tokenStem(cells, w, (cfg.stemMlpDim ?? 0) > 0);
  let x = layerNorm(stemmed, need(w, 'stem.ln.g'), need(w, 'stem.ln.b')).reshape([n, g, g, D]) as tf.Tensor4D;
  for (let l = 0; l < cfg.depth; l++) {
    const p = `block${l}.`;
    const mixed = depthwiseSame(x, need(w, p + 'dw.w'), need(w, p + 'dw.b'), cfg.kernel);
    const h = layerNorm(mixed, need(w, p + 'ln.g'), need(w, p + 'ln.b'));
    const y = dense(
      gelu(dense(h, need(w, p + 'pw1.w'), need(w, p + 'pw1.b'))),
      need(w, p + 'pw2.w'),
      need(w, p + 'pw2.b'),
    );
    x = tf.add(x, y) as tf.Tensor4D;
  }
  const pooled = tf.mean(x, [1, 2]);
  const features = layerNorm(pooled, need(w, 'norm.g'), need(w, 'norm.b')) as tf.Tensor2D;
  const logits = dense(features, need(w, 'head.w'), need(w, 'head.b')) as tf.Tensor2D;
  const domainFeatures = tf.concat([tf.mean(stemmed, 1), pooled], 1) as tf.Tensor2D;
  return { logits, features, domainFeatures };
}
