/**
 * Key adaptation (ARCHITECTURE.md §4) as a pure weight transform. For encrypted block
 * element e_i (scaled 1/255) taken from plain element blockSrc[i], inverted when
 * blockFlip[i]:  x[blockSrc[i]] = blockFlip[i] ? 1 - e_i : e_i, hence
 *     W'[i, :] = (blockFlip[i] ? -1 : 1) * W[blockSrc[i], :]
 *     c'       = c + sum_{i: blockFlip[i]} W[blockSrc[i], :].
 * With inputs centred (x - m, config.inputCentre), an inverted element is
 * (1 - 2m) - (x - m), so the bias term is scaled by (1 - 2m): zero for m = 0.5.
 * Encrypted slot j holds plain block blockPerm[j]: the ViT position embedding of
 * slot j is the plain one of block blockPerm[j]; the CNN's keyed gather takes
 * plain cell blockPerm[j] from encrypted cell j.
 * Never trains, never sees pixels; the plan is key material and is never logged.
 */
import type { BpePlan } from '../cipher/bpe/plan';
import { gridSide, patchDim, type PatchGeometry } from './config';
import type { HostTensor } from './init';

export function checkPlanFits(plan: Pick<BpePlan, 'imageSize' | 'blockSize'>, g: PatchGeometry): void {
  if (plan.blockSize !== g.patchSize || plan.imageSize !== g.imageSize) {
    throw new Error(
      `key plan is for ${plan.imageSize}px images in ${plan.blockSize}px blocks; the model needs ${g.imageSize}px in ${g.patchSize}px blocks`,
    );
  }
}

/** W is [B*B*3, D] row-major (one row per block element), c is [D]. */
export function adaptPatchEmbedding(
  w: HostTensor,
  c: HostTensor,
  plan: Pick<BpePlan, 'blockSrc' | 'blockFlip'>,
  inputCentre = 0,
): { w: HostTensor; c: HostTensor } {
  const biasScale = 1 - 2 * inputCentre;
  const [P, D] = w.shape;
  if (plan.blockSrc.length !== P)
    throw new Error(`key plan has ${plan.blockSrc.length} block elements; the model's patch embedding has ${P}`);
  const outW = new Float32Array(P * D);
  const outC = Float32Array.from(c.data);
  for (let i = 0; i < P; i++) {
    const from = plan.blockSrc[i] * D;
    const to = i * D;
    if (plan.blockFlip[i]) {
      for (let d = 0; d < D; d++) {
        const v = w.data[from + d];
        outW[to + d] = -v;
        outC[d] += biasScale * v;
      }
    } else {
      outW.set(w.data.subarray(from, from + D), to);
    }
  }
  return { w: { shape: [P, D], data: outW }, c: { shape: [D], data: outC } };
}

/** pos is [T, D]; slot j gets plain block blockPerm[j]'s embedding. */
export function adaptPositions(pos: HostTensor, blockPerm: Uint32Array): HostTensor {
  const [T, D] = pos.shape;
  if (blockPerm.length !== T) throw new Error(`key plan has ${blockPerm.length} blocks; the model has ${T} positions`);
  const out = new Float32Array(T * D);
  for (let j = 0; j < T; j++) out.set(pos.data.subarray(blockPerm[j] * D, blockPerm[j] * D + D), j * D);
  return { shape: [T, D], data: out };
}

/** cellSource[q] = the encrypted cell that holds plain cell q (inverse of blockPerm). */
export function cellSourceFor(blockPerm: Uint32Array, g: PatchGeometry): Int32Array {
  const T = gridSide(g) ** 2;
  if (blockPerm.length !== T) throw new Error(`key plan has ${blockPerm.length} blocks; the model has ${T} cells`);
  const out = new Int32Array(T);
  for (let j = 0; j < T; j++) out[blockPerm[j]] = j;
  return out;
}

export { patchDim };
