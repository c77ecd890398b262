/**
 * Vision Transformer over BPE blocks: patch = encryption block (25 x 25 x 3), 64
 * patch tokens + a class token, learned position embeddings, pre-norm encoder
 * blocks, head on the class token. An optional per-token MLP follows the patch
 * embedding (allowed by ARCHITECTURE.md §4: it acts after the one linear map per block).
 * The class-token features are exposed for later homomorphic inference.
 */
import * as tf from '@tensorflow/tfjs';
import { gridSide, type VitConfig } from './config';
import { type ModelTensorInput, dense, embedBlocks, gelu, layerNorm, need, tokenStem, type Weights } from './ops';
import { filled, ModelRandom, truncNormal, type HostWeights } from './init';
import { initPatchEmbedding, initStem } from './embedding';
import { biasesFromTables, initRelativeBias } from './relativeBias';

export function initVit(cfg: VitConfig, seed: number): HostWeights {
  const rng = new ModelRandom(seed);
  const D = cfg.width;
  const T = gridSide(cfg) ** 2;
  const w: HostWeights = {
    ...initPatchEmbedding(cfg, rng),
    cls: truncNormal(rng, [D], 0.02),
    pos: truncNormal(rng, [T, D], 0.02),
  };
  if (cfg.tokenMlpDim > 0) {
    w['token.ln.g'] = filled([D], 1);
    w['token.ln.b'] = filled([D], 0);
    w['token.w1'] = truncNormal(rng, [D, cfg.tokenMlpDim], 0.02);
    w['token.b1'] = filled([cfg.tokenMlpDim], 0);
    w['token.w2'] = truncNormal(rng, [cfg.tokenMlpDim, D], 0.02);
    w['token.b2'] = filled([D], 0);
  }
  for (let l = 0; l < cfg.depth; l++) {
    const p = `block${l}.`;
    w[p + 'ln1.g'] = filled([D], 1);
    w[p + 'ln1.b'] = filled([D], 0);
    w[p + 'qkv.w'] = truncNormal(rng, [D, 3 * D], 0.02);
    w[p + 'qkv.b'] = filled([3 * D], 0);
    w[p + 'proj.w'] = truncNormal(rng, [D, D], 0.02);
    w[p + 'proj.b'] = filled([D], 0);
    if (cfg.relativeBias) w[p + 'attn.rel'] = initRelativeBias(cfg.heads, gridSide(cfg));
    w[p + 'ln2.g'] = filled([D], 1);
    w[p + 'ln2.b'] = filled([D], 0);
    w[p + 'mlp.w1'] = truncNormal(rng, [D, cfg.mlpDim], 0.02);
    w[p + 'mlp.b1'] = filled([cfg.mlpDim], 0);
    w[p + 'mlp.w2'] = truncNormal(rng, [cfg.mlpDim, D], 0.02);
    w[p + 'mlp.b2'] = filled([D], 0);
  }
  w['norm.g'] = filled([D], 1);
  w['norm.b'] = filled([D], 0);
  w['head.w'] = filled([D, cfg.classes.length], 0);
  w['head.b'] = filled([cfg.classes.length], 0);
  return { ...w, ...initStem(cfg, rng) };
}

/**
 * The relative-position bias of each block: the branch's precomputed matrices
 * [heads, t, t] (slots in the key's / view's order, model.ts), or one per group of
 * batch rows [views, heads, t, t] (branches.ts forwardViews), else the differentiable form
 * from the tables in plain order (training). Empty without config.relativeBias.
 */
function attentionBiases(cfg: VitConfig, w: Weights): tf.Tensor[] {
  if (!cfg.relativeBias) return [];
  const blocks = Array.from({ length: cfg.depth }, (_, l) => `block${l}.`);
  if (w['block0.attn.bias']) return blocks.map((p) => need(w, p + 'attn.bias'));
  return biasesFromTables(
    blocks.map((p) => need(w, p + 'attn.rel')),
    gridSide(cfg),
  );
}

/**
 * x [N, ...] + perGroup [G, ...]: row i of the batch takes perGroup[floor(i / (N / G))],
 * G consecutive groups of rows (forwardViews' views x images) each with its own
 * position embeddings / attention biases, broadcast within the group rather than copied
 * per row (tfjs-wasm's Tile, which a copy needs, is slow).
 */
function addPerGroup(x: tf.Tensor, perGroup: tf.Tensor): tf.Tensor {
  const [n, ...rest] = x.shape;
  const groups = perGroup.shape[0];
  if (n % groups !== 0) throw new Error(`a batch of ${n} rows does not split into ${groups} groups`);
  return tf.add(x.reshape([groups, n / groups, ...rest]), perGroup.reshape([groups, 1, ...rest])).reshape(x.shape);
}

const QKV_PARTS = ['q', 'k', 'v'] as const;

/** `block<l>.qkv.w` / `block<l>.qkv.b`: the fused projection that attentionProjections cuts. */
export const isFusedQkv = (name: string) => /^block\d+\.qkv\.[wb]$/.test(name);

/**
 * The q, k and v column blocks of each encoder block's fused projection qkv.w [D, 3D]
 * and qkv.b [3D], as `block<l>.attn.{q,k,v}.{w,b}`: cut once when a model is built
 * (model.ts createModel, which then keeps no tensor of the fused ones; adapted models
 * share the blocks), so that a pass runs three
 * dense layers instead of one followed by a split of its output (strided slices of
 * the activations, a JS loop per row on tfjs-wasm): same logits, faster passes
 * (docs/measurements.md, "Attention q/k/v").
 */
export function attentionProjections(cfg: VitConfig, host: HostWeights): HostWeights {
  const D = cfg.width;
  const out: HostWeights = {};
  for (let l = 0; l < cfg.depth; l++) {
    const p = `block${l}.`;
    const [w, b] = [host[p + 'qkv.w'], host[p + 'qkv.b']];
    QKV_PARTS.forEach((part, i) => {
      const cols = new Float32Array(D * D);
      for (let r = 0; r < D; r++) cols.set(w.data.subarray(r * 3 * D + i * D, r * 3 * D + (i + 1) * D), r * D);
      out[`${p}attn.${part}.w`] = { shape: [D, D], data: cols };
      out[`${p}attn.${part}.b`] = { shape: [D], data: b.data.slice(i * D, (i + 1) * D) };
    });
  }
  return out;
}

/**
 * [weight, bias] of q, k, v: the blocks cut at load (attentionProjections), else
 * (training, where qkv.w is a variable; weight maps built by hand) cut here from
 * the fused weight, differentiably. Either way the same numbers.
 */
function qkvProjections(w: Weights, p: string): [tf.Tensor, tf.Tensor][] {
  if (w[p + 'attn.q.w']) return QKV_PARTS.map((part) => [need(w, `${p}attn.${part}.w`), need(w, `${p}attn.${part}.b`)]);
  const ws = tf.split(need(w, p + 'qkv.w'), 3, 1);
  const bs = tf.split(need(w, p + 'qkv.b'), 3, 0);
  return ws.map((wi, i) => [wi, bs[i]]);
}

function attention(x: tf.Tensor3D, w: Weights, p: string, heads: number, bias?: tf.Tensor): tf.Tensor3D {
  const [n, t, d] = x.shape;
  const dh = d / heads;
  const toHeads = (z: tf.Tensor) => z.reshape([n, t, heads, dh]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
  const [q, k, v] = qkvProjections(w, p).map(([wi, bi]) => toHeads(dense(x, wi, bi)));
  let scores: tf.Tensor = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh));
  if (bias?.rank === 3)
    scores = tf.add(scores, bias); // [heads, t, t] broadcast over the batch
  else if (bias) scores = addPerGroup(scores, bias);
  const mixed = tf.matMul(tf.softmax(scores), v); // [n, heads, t, dh]
  const merged = mixed.transpose([0, 2, 1, 3]).reshape([n, t, d]);
  return dense(merged, need(w, p + 'proj.w'), need(w, p + 'proj.b')) as tf.Tensor3D;
}

export interface VitOutputs {
  logits: tf.Tensor2D;
  /** final class-token features (after the last norm), [N, width] */
  features: tf.Tensor2D;
  /**
   * What the out-of-domain guard scores, [N, 2 * width]: the mean over tokens of
   * the stemmed tokens before positions (order-free, so a key's block scramble
   * leaves it unchanged) and the class token before the last norm.
   */
  domainFeatures: tf.Tensor2D;
}

/** images: [N, S, S, 3] with values 0..255 (plain, or encrypted with weights adapted to the key). */
export function vitForward(cfg: VitConfig, w: Weights, images: ModelTensorInput): VitOutputs {
  return vitTrunk(cfg, w, embedBlocks(images, cfg, w));
}

/**
 * The per-token part between the patch embedding and the position embeddings
 * (stem, token MLP): [N, T, E] -> [N, T, D], one token at a time. Exported for
 * the gradient-inversion attack (lib/attacks/inversion), which runs it backwards.
 */
export function vitTokenStage(cfg: VitConfig, w: Weights, embedded: tf.Tensor): tf.Tensor {
  let tokens: tf.Tensor = cfg.embedDim === undefined ? embedded : tokenStem(embedded, w, (cfg.stemMlpDim ?? 0) > 0);
  if (cfg.tokenMlpDim > 0) {
    const h = layerNorm(tokens, need(w, 'token.ln.g'), need(w, 'token.ln.b'));
    tokens = tf.add(
      tokens,
      dense(gelu(dense(h, need(w, 'token.w1'), need(w, 'token.b1'))), need(w, 'token.w2'), need(w, 'token.b2')),
    );
  }
  return tokens;
}

/** Everything after the patch embedding: tokens [N, T, E] in slot order (positions say which block). */
export function vitTrunk(cfg: VitConfig, w: Weights, embedded: tf.Tensor3D): VitOutputs {
  const n = embedded.shape[0];
  const D = cfg.width;
  let tokens = vitTokenStage(cfg, w, embedded);
  const tokenMean = tf.mean(tokens, 1);
  const pos = need(w, 'pos'); // [T, D], or per group of rows [G, T, D] (forwardViews)
  tokens = pos.rank === 3 ? addPerGroup(tokens, pos) : tf.add(tokens, pos);
  const cls = tf.broadcastTo(need(w, 'cls').reshape([1, 1, D]), [n, 1, D]);
  let x = tf.concat([cls, tokens], 1) as tf.Tensor3D;
  const biases = attentionBiases(cfg, w);
  for (let l = 0; l < cfg.depth; l++) {
    const p = `block${l}.`;
    x = tf.add(
      x,
      attention(layerNorm(x, need(w, p + 'ln1.g'), need(w, p + 'ln1.b')) as tf.Tensor3D, w, p, cfg.heads, biases[l]),
    );
    const h = layerNorm(x, need(w, p + 'ln2.g'), need(w, p + 'ln2.b'));
    x = tf.add(
      x,
      dense(gelu(dense(h, need(w, p + 'mlp.w1'), need(w, p + 'mlp.b1'))), need(w, p + 'mlp.w2'), need(w, p + 'mlp.b2')),
    );
  }
  const clsOut = tf.slice(x, [0, 0, 0], [n, 1, D]).reshape([n, D]);
  const features = layerNorm(clsOut, need(w, 'norm.g'), need(w, 'norm.b')) as tf.Tensor2D;
  const logits = dense(features, need(w, 'head.w'), need(w, 'head.b')) as tf.Tensor2D;
  const domainFeatures = tf.concat([tokenMean, clsOut], 1) as tf.Tensor2D;
  return { logits, features, domainFeatures };
}
