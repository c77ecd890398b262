/**
 * The branches of a diagnosis model (model.ts): one forward pass per view of its
 * view ensemble (views.ts), each with the shared weights and its own patch
 * embedding, position embeddings, relative attention biases (ViT) or cell gather
 * (CNN), plain or adapted to a key's protected input. Like model.ts it meets
 * protection only through `ProtectedInput` and never imports a scheme.
 */
import * as tf from '@tensorflow/tfjs';
import type { ProtectedInput } from '../protection/protectedInput';
import { adaptPositions, cellSourceFor } from './adapt';
import { cellGather, cnnCells, cnnForward, cnnTrunk, type CellGather } from './cnn';
import { gridSide, type ModelConfig } from './config';
import type { HostWeights } from './init';
import { embedBlocks, need, type ModelTensorInput, type Weights } from './ops';
import { biasMatrix } from './relativeBias';
import { blockView, isIdentity, viewEmbedding, viewNames, type BlockView } from './views';
import { vitForward, vitTrunk } from './vit';

/**
 * One forward pass of the model: the shared weights with this branch's patch
 * embedding / position embeddings (and relative attention biases), and the
 * CNN's cell gather. A model has one branch per view of its view ensemble
 * (views.ts); logits are their mean.
 */
export interface Branch {
  weights: Weights;
  cells?: CellGather;
}

/**
 * The branch for one view, plain (protection absent) or adapted to a key's
 * protected input. Slot j of the input holds source block blockPerm[j] =
 * protection.tokenSource[j] (identity when plain); the view's cell q
 * is source block cellSrc[q]. CNN: gather cell q from slot inverse(blockPerm)[cellSrc[q]];
 * ViT: slot j gets the position embedding of view cell inverse(cellSrc)[blockPerm[j]].
 */
function makeBranch(
  cfg: ModelConfig,
  shared: Weights,
  host: HostWeights,
  view: BlockView,
  protection?: ProtectedInput,
): { branch: Branch; own: tf.Tensor[] } {
  const plainIdentity = !protection && isIdentity(view);
  if (plainIdentity) return { branch: { weights: shared }, own: [] };
  const T = gridSide(cfg) ** 2;
  const blockPerm = protection?.tokenSource ?? Uint32Array.from({ length: T }, (_, j) => j);
  const wView = isIdentity(view) ? host['patch.w'] : viewEmbedding(host['patch.w'], view);
  const { w, c } = protection
    ? protection.adaptEmbedding(wView, host['patch.b'], cfg.inputCentre ?? 0)
    : { w: wView, c: host['patch.b'] };
  const own: Weights = { 'patch.w': tf.tensor(w.data, w.shape), 'patch.b': tf.tensor(c.data, c.shape) };
  let cells: CellGather | undefined;
  if (cfg.architecture === 'vit') {
    const viewCellOf = new Uint32Array(T);
    view.cellSrc.forEach((src, q) => (viewCellOf[src] = q));
    const cellOfSlot = Uint32Array.from(blockPerm, (b) => viewCellOf[b]);
    own['pos'] = tf.tensor(adaptPositions(host['pos'], cellOfSlot).data, host['pos'].shape);
    Object.assign(own, relativeBiases(cfg, host, cellOfSlot));
  } else {
    const slotOf = cellSourceFor(blockPerm, cfg);
    cells = cellGather(Int32Array.from(view.cellSrc, (src) => slotOf[src]));
  }
  const tensors = Object.values(own);
  if (cells) tensors.push(cells);
  return { branch: { weights: { ...shared, ...own }, cells }, own: tensors };
}

/** The ViT's attention-bias matrices for slots at these plain cells (none without config.relativeBias). */
export function relativeBiases(cfg: ModelConfig, host: HostWeights, cellOfSlot: ArrayLike<number>): Weights {
  const out: Weights = {};
  if (cfg.architecture !== 'vit' || !cfg.relativeBias) return out;
  for (let l = 0; l < cfg.depth; l++) {
    const m = biasMatrix(host[`block${l}.attn.rel`], cellOfSlot, gridSide(cfg));
    out[`block${l}.attn.bias`] = tf.tensor(m.data, m.shape);
  }
  return out;
}

/** One branch per view of the config's view ensemble, plain or for `protection`; `own`: the tensors they add. */
export function makeBranches(
  cfg: ModelConfig,
  shared: Weights,
  host: HostWeights,
  protection?: ProtectedInput,
): { branches: Branch[]; own: tf.Tensor[] } {
  const made = viewNames(cfg.viewEnsemble).map((name) =>
    makeBranch(cfg, shared, host, blockView(cfg, name), protection),
  );
  return { branches: made.map((m) => m.branch), own: made.flatMap((m) => m.own) };
}

/** What one pass of the model gives for each image (vit.ts / cnn.ts outputs). */
export interface BranchOutputs {
  logits: tf.Tensor2D;
  features: tf.Tensor2D;
  domainFeatures: tf.Tensor2D;
}

/**
 * The mean over views of the branches' outputs, computed as ONE pass of the shared
 * trunk on a batch of views x images: only the patch embedding, the ViT's position
 * embeddings and relative attention biases and the CNN's cell gather differ between
 * branches, and everything after them treats each image of a batch on its own. On
 * tfjs-wasm a single image's pass is dominated by per-op cost, so four views in one
 * batch cost far less than four passes (bench suite `ensemble`). The relative biases
 * go in as [views, heads, t, t] per block, each view's matrix (its own permutation of
 * the block's table) added to its group of n rows (vit.ts). A single branch runs as is.
 */
export function forwardViews(
  cfg: ModelConfig,
  shared: Weights,
  branches: Branch[],
  images: ModelTensorInput,
): BranchOutputs {
  const n = images.shape[0];
  const views = branches.length;
  if (views === 1) {
    const [b] = branches;
    return cfg.architecture === 'vit'
      ? vitForward(cfg, b.weights, images)
      : cnnForward(cfg, b.weights, images, b.cells);
  }
  let out: BranchOutputs;
  if (cfg.architecture === 'vit') {
    const embedded = tf.concat(
      branches.map((b) => embedBlocks(images, cfg, b.weights)),
      0,
    ) as tf.Tensor3D;
    const [T, D] = [gridSide(cfg) ** 2, cfg.width];
    // row v * n + i of the batch is view v of image i: it gets view v's positions
    const pos = tf.stack(branches.map((b) => need(b.weights, 'pos').reshape([T, D])));
    // row v * n + i also gets view v's attention biases (slots permuted by the view / key)
    const biases: Weights = {};
    for (let l = 0; cfg.relativeBias && l < cfg.depth; l++) {
      const name = `block${l}.attn.bias`;
      biases[name] = tf.stack(branches.map((b) => need(b.weights, name)));
    }
    out = vitTrunk(cfg, { ...shared, pos, ...biases }, embedded);
  } else {
    const cells = tf.concat(
      branches.map((b) => cnnCells(cfg, b.weights, images, b.cells)),
      0,
    ) as tf.Tensor3D;
    out = cnnTrunk(cfg, shared, cells);
  }
  const meanOverViews = (t: tf.Tensor2D) => tf.mean(t.reshape([views, n, t.shape[1]]), 0) as tf.Tensor2D;
  return {
    logits: meanOverViews(out.logits),
    features: meanOverViews(out.features),
    domainFeatures: meanOverViews(out.domainFeatures),
  };
}
