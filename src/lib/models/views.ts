/**
 * Test-time view ensemble that survives encryption. A mirror, half turn, quarter
 * turn or diagonal mirror of a 200 x 200 image maps 25 x 25 blocks onto blocks
 * (the quarter turns and diagonals because blocks and grid are square): view block q is source block
 * cellSrc[q] with its elements reordered by elementSrc. The model on the view is
 * therefore the same model with the patch-embedding rows permuted (W_v) and the
 * cells (CNN gather) or position embeddings (ViT) permuted: still one linear map
 * per block, so key adaptation applies to every view exactly as to the model
 * itself, and the ensemble on an encrypted image equals the ensemble on the
 * plain one. Nothing here looks at pixels; the views are public, not keyed.
 */
import { gridSide, type PatchGeometry } from './config';

export type ViewEnsemble = 'mirror' | 'dihedral4' | 'dihedral8';

/** How a model card's method line names the view ensemble a model runs (chosen per model on its validation, not part of a recipe). */
export const VIEW_CLAUSE = 'test-time view ensemble';

export interface BlockView {
  name: string;
  /** view-block element i is source-block element elementSrc[i] (B*B*3 block-local indices) */
  elementSrc: Uint32Array;
  /** view cell q is source cell cellSrc[q] (row-major block index) */
  cellSrc: Uint32Array;
}

type PixelMap = (y: number, x: number, last: number) => [number, number];
const MAPS: Record<string, PixelMap> = {
  identity: (y, x) => [y, x],
  'mirror-x': (y, x, last) => [y, last - x],
  'mirror-y': (y, x, last) => [last - y, x],
  'rotate-180': (y, x, last) => [last - y, last - x],
  // the quarter turns and diagonal mirrors: square blocks on a square grid still go onto blocks
  // (view pixel y, x is source pixel [.., ..]: 'rotate-90' is the source turned a quarter clockwise)
  'rotate-90': (y, x, last) => [last - x, y],
  'rotate-270': (y, x, last) => [x, last - y],
  transpose: (y, x) => [x, y],
  'anti-transpose': (y, x, last) => [last - x, last - y],
};
const ENSEMBLES: Record<ViewEnsemble, string[]> = {
  // MRI: left-right mirror only (anatomy keeps its up-down orientation)
  mirror: ['identity', 'mirror-x'],
  // histology has no orientation: both mirrors and the half turn
  dihedral4: ['identity', 'mirror-x', 'mirror-y', 'rotate-180'],
  // and the quarter turns with the diagonal mirrors: all eight symmetries of the square
  dihedral8: [
    'identity',
    'mirror-x',
    'mirror-y',
    'rotate-180',
    'rotate-90',
    'rotate-270',
    'transpose',
    'anti-transpose',
  ],
};

export function viewNames(ensemble: ViewEnsemble | undefined): string[] {
  if (!ensemble) return ['identity'];
  // a model file from a newer app (or a damaged one) names views this app does not have
  if (!Object.hasOwn(ENSEMBLES, ensemble)) throw new Error(`unknown test-time views "${String(ensemble)}"`);
  return ENSEMBLES[ensemble];
}

/** The block-level form of a view's pixel map (which must send blocks onto blocks). */
export function blockView(g: PatchGeometry, name: string): BlockView {
  const map = MAPS[name];
  if (!map) throw new Error(`unknown view "${name}"`);
  const B = g.patchSize;
  const side = gridSide(g);
  const last = g.imageSize - 1;
  const elementSrc = new Uint32Array(B * B * 3);
  const cellSrc = new Uint32Array(side * side);
  for (let q = 0; q < side * side; q++) {
    const y0 = Math.floor(q / side) * B;
    const x0 = (q % side) * B;
    const [sy0, sx0] = map(y0, x0, last);
    cellSrc[q] = Math.floor(sy0 / B) * side + Math.floor(sx0 / B);
  }
  for (let r = 0; r < B; r++) {
    for (let c = 0; c < B; c++) {
      const [sy, sx] = map(r, c, last);
      const i = (r * B + c) * 3;
      const s = ((((sy % B) + B) % B) * B + (((sx % B) + B) % B)) * 3;
      for (let ch = 0; ch < 3; ch++) elementSrc[i + ch] = s + ch;
    }
  }
  return { name, elementSrc, cellSrc };
}

/** W_v[elementSrc[i]] = W[i]: the embedding that, applied to the source block, gives the view block's embedding. */
export function viewEmbedding(
  w: { shape: number[]; data: Float32Array },
  view: BlockView,
): { shape: number[]; data: Float32Array } {
  const [P, D] = w.shape;
  const out = new Float32Array(P * D);
  for (let i = 0; i < P; i++) out.set(w.data.subarray(i * D, (i + 1) * D), view.elementSrc[i] * D);
  return { shape: [P, D], data: out };
}

export function isIdentity(view: BlockView): boolean {
  return view.name === 'identity';
}

/** The view itself, applied to an image's pixels (validation during training, tests). */
export function viewImage(data: Uint8Array, size: number, name: string): Uint8Array {
  const map = MAPS[name];
  if (!map) throw new Error(`unknown view "${name}"`);
  const out = new Uint8Array(data.length);
  const last = size - 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [sy, sx] = map(y, x, last);
      const o = (y * size + x) * 3;
      const s = (sy * size + sx) * 3;
      out[o] = data[s];
      out[o + 1] = data[s + 1];
      out[o + 2] = data[s + 2];
    }
  }
  return out;
}
