/**
 * The linear head the server holds: logits = features · W + b, W [F, C]
 * row-major, b [C]. The shipped models end in exactly this map on their
 * class-token (ViT) or pooled (CNN) features, `head.w` and `head.b` in the
 * weights file; a view ensemble averages features and logits over views, which a
 * linear map commutes with, so logits = head(mean features) still holds.
 * Must never: hold or accept a key.
 */
import type { HeadShape } from './layout';

export interface LinearHead extends HeadShape {
  /** W, row-major [features, classes] */
  weights: Float32Array | Float64Array;
  bias: Float32Array | Float64Array;
}

/** A head from weight tensors shaped like the weights file's `head.w` [F, C] and `head.b` [C]. */
export function linearHead(
  w: { data: ArrayLike<number>; shape: readonly number[] },
  b: { data: ArrayLike<number>; shape: readonly number[] },
): LinearHead {
  const [features, classes] = w.shape;
  if (w.shape.length !== 2 || b.shape.length !== 1 || b.shape[0] !== classes || w.data.length !== features * classes) {
    throw new Error(`a linear head needs W [F, C] and b [C]; got [${w.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  return { features, classes, weights: Float64Array.from(w.data), bias: Float64Array.from(b.data) };
}

/** The same head in plain float64: the reference for the encrypted one. */
export function plainHead(head: LinearHead, x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(head.bias);
  for (let f = 0; f < head.features; f++) {
    const v = x[f];
    for (let c = 0; c < head.classes; c++) out[c] += v * head.weights[f * head.classes + c];
  }
  return out;
}
