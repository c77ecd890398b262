/**
 * Key adaptation (ARCHITECTURE.md §4; docs/ARCHITECTURE.md, Protection schemes),
 * the parts that belong to the model: whether a protected input fits the model's
 * geometry, and how its token permutation moves the position embeddings (ViT)
 * and the cells (CNN). The embedding transform itself is the scheme's
 * (ProtectedInput.adaptEmbedding; BPE's in src/lib/cipher/bpe/protection.ts).
 * Never trains, never sees pixels; the token permutation is key material and is
 * never logged. Must never import a scheme (cipher/*).
 */
import type { TokenGeometry } from '../protection/protectedInput';
import { gridSide, patchDim, type PatchGeometry } from './config';
import type { HostTensor } from './init';

export function checkPlanFits(plan: TokenGeometry, g: PatchGeometry): void {
  if (plan.blockSize !== g.patchSize || plan.imageSize !== g.imageSize) {
    throw new Error(
      `key plan is for ${plan.imageSize}px images in ${plan.blockSize}px blocks; the model needs ${g.imageSize}px in ${g.patchSize}px blocks`,
    );
  }
}

/** pos is [T, D]; slot j gets the embedding of position blockPerm[j] (the block the slot holds). */
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
