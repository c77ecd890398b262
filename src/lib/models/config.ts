/**
 * Architecture descriptions of the two diagnosis models. Both start with the same
 * patch embedding: one linear map of each whole B x B x 3 block (ARCHITECTURE.md §4),
 * the only operation that ever sees raw pixels, so key adaptation stays a weight
 * transform. Nothing here may add an operation that looks inside a block first.
 */
import { MODEL_INPUT_SIZE } from '../image/modelInput';
import type { ViewEnsemble } from './views';

export interface PatchGeometry {
  /** input side S in pixels (MODEL_INPUT_SIZE, 200) */
  imageSize: number;
  /** block side B in pixels; must equal the BPE block size (25) */
  patchSize: number;
  /**
   * The patch embedding sees x = pixel/255 - inputCentre (absent = 0). 0.5 makes
   * inputs zero-mean and BPE's inversion a pure sign flip of x.
   */
  inputCentre?: number;
  /**
   * Exact patch embedding: 'patch.w' holds small integers (sum of |w| per column
   * at most 2^24 / 255, each |w| <= 2047 so float16 keeps them) and 'patch.scale'
   * a per-column factor; the block is fed as 2 * pixel - 255 (odd integers). Every
   * product and partial sum is then an integer below 2^24, so float32 computes the
   * embedding exactly in any summation order, and the key-adapted embedding (rows
   * permuted, signs flipped) of an encrypted block equals the plain one bit for
   * bit. Needs inputCentre 0.5 (inversion = pure sign flip). Mathematically the
   * same map as (pixel / 255 - 0.5) @ (510 * w * scale).
   */
  exactEmbedding?: boolean;
  /**
   * Width E of the patch embedding when it differs from the model width D: a
   * per-token stem (layer norm, linear E -> D plus a GELU MLP E -> stemMlpDim -> D)
   * maps it to D. Absent = the embedding is D wide and there is no stem.
   */
  embedDim?: number;
  /** hidden size of the stem MLP (with embedDim; 0 = linear stem only) */
  stemMlpDim?: number;
  /**
   * Test-time view ensemble (views.ts): mean logits over mirrored / turned views,
   * each a permutation of the embedding rows and cells, so it adapts to a key
   * like the model. Absent = one view.
   */
  viewEnsemble?: ViewEnsemble;
}

export interface VitConfig extends PatchGeometry {
  architecture: 'vit';
  width: number;
  depth: number;
  heads: number;
  mlpDim: number;
  /** hidden size of the per-token MLP right after the patch embedding (0 = none) */
  tokenMlpDim: number;
  /**
   * Learned relative-position attention bias per head and block, looked up by
   * the grid offset of two blocks (relativeBias.ts); adapts to a key by
   * permutation like the position embeddings. Absent = none.
   */
  relativeBias?: boolean;
  classes: string[];
}

export interface CnnConfig extends PatchGeometry {
  architecture: 'cnn';
  width: number;
  depth: number;
  /** depthwise kernel side on the (S/B) x (S/B) grid of cells (odd) */
  kernel: number;
  mlpRatio: number;
  classes: string[];
}

export type ModelConfig = VitConfig | CnnConfig;

export function patchDim(g: PatchGeometry): number {
  return g.patchSize * g.patchSize * 3;
}

/** Width of the patch embedding's output (E). */
export function embedWidth(g: PatchGeometry & { width: number }): number {
  return g.embedDim ?? g.width;
}

export function gridSide(g: PatchGeometry): number {
  if (g.imageSize % g.patchSize !== 0)
    throw new Error(`image size ${g.imageSize} is not a multiple of patch size ${g.patchSize}`);
  return g.imageSize / g.patchSize;
}

export function defaultVitConfig(classes: string[]): VitConfig {
  return {
    architecture: 'vit',
    imageSize: MODEL_INPUT_SIZE,
    patchSize: 25,
    inputCentre: 0.5,
    width: 128,
    depth: 5,
    heads: 4,
    mlpDim: 256,
    tokenMlpDim: 256,
    classes,
  };
}

export function defaultCnnConfig(classes: string[]): CnnConfig {
  return {
    architecture: 'cnn',
    imageSize: MODEL_INPUT_SIZE,
    patchSize: 25,
    inputCentre: 0.5,
    width: 128,
    depth: 5,
    kernel: 3,
    mlpRatio: 2,
    classes,
  };
}
