/**
 * "No protection" as a scheme (docs/ARCHITECTURE.md, Protection schemes): every
 * token in place and the patch embedding unchanged, so a model "adapted" to it
 * is the plain model. The second implementation of the seam: it checks that
 * model code needs nothing BPE-specific, and gives a plain run the same path
 * as a protected one.
 *
 * Must never: be offered to a user as protection, or hold anything per key
 * (there is nothing to keep, so forget and clear have nothing to do).
 */
import { blockOrderIndex, type ProtectedInput, type ProtectionScheme, type TokenGeometry } from './protectedInput';

export const NO_PROTECTION = 'none';

export function noProtection({ imageSize, blockSize }: TokenGeometry): ProtectedInput {
  const T = (imageSize / blockSize) ** 2;
  return {
    scheme: NO_PROTECTION,
    imageSize,
    blockSize,
    tokenSource: Uint32Array.from({ length: T }, (_, j) => j),
    adaptEmbedding: (w, c) => ({ w, c }),
    tokenLayout: () => ({ imageSize, src: blockOrderIndex(imageSize, blockSize) }),
  };
}

export const noProtectionScheme: ProtectionScheme = {
  name: NO_PROTECTION,
  forKey: async (_key, geometry) => noProtection(geometry),
  forget: () => {},
  clear: () => {},
};
