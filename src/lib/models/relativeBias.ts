/**
 * Relative-position attention bias for the ViT (config.relativeBias): each head
 * of each encoder block adds a learned scalar to the attention score of two
 * patch tokens, looked up by their offset on the grid of blocks (dy, dx), as in
 * Swin / BEiT: a locality prior, like a CNN's, for a small ViT. Measured on
 * brain MRI (src/lib/models/README.md, training runs): alone it did not close the
 * ViT's gap to the CNN; with the stem started from the CNN's it is part of the
 * shipped ViT (88.4 % validation at epoch 6 against 83.5 % without it).
 *
 * Why it survives encryption: the bias depends only on where each slot's block
 * sits on the plain grid. BPE's block shuffle moves blocks between slots, so the
 * adapted model looks the bias up by the plain cell of each slot's block: the
 * bias matrix is the plain one with rows and columns permuted, exactly (no
 * arithmetic on it), like the position embeddings (ARCHITECTURE.md §4). The class
 * token has no position: its row and column of the bias are 0.
 */
import * as tf from '@tensorflow/tfjs';
import type { HostTensor } from './init';
import { dense } from './ops';

/** Number of distinct offsets (dy, dx) on a side x side grid. */
export function offsetCount(side: number): number {
  return (2 * side - 1) ** 2;
}

/** Table index of the offset (dy, dx), each in -(side - 1) .. side - 1. */
function offsetSlot(dy: number, dx: number, side: number): number {
  return (dy + side - 1) * (2 * side - 1) + (dx + side - 1);
}

/** Table index of the offset from cell a to cell b (row-major cells). */
function offsetIndex(a: number, b: number, side: number): number {
  return offsetSlot(Math.floor(a / side) - Math.floor(b / side), (a % side) - (b % side), side);
}

/**
 * Initial table [heads, offsets]: ALiBi-style distance penalties, one slope per
 * head (0 for the first head, which starts global; 1/4, 1/2, 1 ... for the
 * others), so attention starts local and training decides how local to stay.
 */
export function initRelativeBias(heads: number, side: number): HostTensor {
  const R = offsetCount(side);
  const data = new Float32Array(heads * R);
  for (let h = 0; h < heads; h++) {
    const slope = h === 0 ? 0 : 2 ** -(heads - 1 - h);
    for (let dy = -(side - 1); dy <= side - 1; dy++) {
      for (let dx = -(side - 1); dx <= side - 1; dx++) {
        data[h * R + offsetSlot(dy, dx, side)] = 0 - slope * Math.hypot(dy, dx); // +0, not -0, for the flat head
      }
    }
  }
  return { shape: [heads, R], data };
}

/**
 * The bias matrix [heads, T + 1, T + 1] (class token first) for input slots whose
 * blocks sit at plain cells cellOfSlot[j]: identity for a plain model, the key's
 * (and view's) block map for an adapted one. Host-side, once per branch.
 */
export function biasMatrix(table: HostTensor, cellOfSlot: ArrayLike<number>, side: number): HostTensor {
  const [H, R] = table.shape;
  if (R !== offsetCount(side))
    throw new Error(`relative bias table has ${R} offsets; a ${side} x ${side} grid needs ${offsetCount(side)}`);
  const T = cellOfSlot.length;
  const t = T + 1;
  const data = new Float32Array(H * t * t);
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < T; j++) {
        data[h * t * t + (i + 1) * t + (j + 1)] = table.data[h * R + offsetIndex(cellOfSlot[i], cellOfSlot[j], side)];
      }
    }
  }
  return { shape: [H, t, t], data };
}

const oneHotCache = new Map<number, Float32Array>();

/** [offsets, T*T] one-hot: column i*T + j selects the offset between plain cells i and j. */
function offsetOneHot(side: number): Float32Array {
  let m = oneHotCache.get(side);
  if (!m) {
    const T = side * side;
    m = new Float32Array(offsetCount(side) * T * T);
    for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) m[offsetIndex(i, j, side) * T * T + i * T + j] = 1;
    oneHotCache.set(side, m);
  }
  return m;
}

/**
 * Differentiable form for training (plain slot order): one table [heads, offsets]
 * per block -> one [heads, T + 1, T + 1] matrix per block, all blocks in one
 * product with a one-hot matrix (uploaded once per forward pass) rather than a
 * gather, whose gradient kernel the wasm backend lacks.
 */
export function biasesFromTables(tables: tf.Tensor[], side: number): tf.Tensor3D[] {
  const T = side * side;
  const heads = tables[0].shape[0];
  const oneHot = tf.tensor2d(offsetOneHot(side), [offsetCount(side), T * T]);
  const stacked = tf.concat(tables, 0);
  const all = tf.pad(dense(stacked, oneHot).reshape([tables.length, heads, T, T]), [
    [0, 0],
    [0, 0],
    [1, 0],
    [1, 0],
  ]);
  // slices, not unstack / split: tfjs fails in their gradients when there is a single block
  return tables.map(
    (_, l) => tf.slice(all, [l, 0, 0, 0], [1, heads, T + 1, T + 1]).reshape([heads, T + 1, T + 1]) as tf.Tensor3D,
  );
}

/** Weight names of the bias tables ('block{l}.attn.rel'): keyed like the position embeddings, not weight-decayed. */
export function isRelativeBiasTable(name: string): boolean {
  return name.endsWith('.attn.rel');
}
