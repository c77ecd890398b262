/**
 * Model-inversion attacks (docs/ARCHITECTURE.md §9; issue 17, "Model inversion,
 * measured"): what an attacker reconstructs from an unprotected single-image
 * update (analytic, and optimisation-based on a small model), from a plaintext
 * class token, and from what our server holds (CKKS ciphertexts). Re-exports.
 * These need a model and tensors, so they are not in runAttack's ATTACK_KINDS
 * (the page's BPE attack form): `cli attack --kind` reads INVERSION_KINDS too.
 */
export const INVERSION_KINDS = ['gradient-analytic', 'gradient-dlg', 'token-inversion', 'server-view'] as const;
export type InversionKind = (typeof INVERSION_KINDS)[number];
export const isInversionKind = (s: string): s is InversionKind => (INVERSION_KINDS as readonly string[]).includes(s);

export { pixelVit, pixelsOf, bytesOf, type PixelVit } from './pixelVit';
export { invertSingleInput, unmixSharedLayer, solveSymmetric } from './linearLeak';
export { singleImageUpdate, recoverFromUpdate, type ModelUpdate, type PatchLeak } from './patchEmbeddingLeak';
export {
  tinyPatchNet,
  tinyNetUpdate,
  deepLeakage,
  type TinyPatchNet,
  type TinyNetUpdate,
  type DeepLeakageResult,
} from './deepLeakage';
export { invertClassToken, totalVariation, DEFAULT_TOKEN_STEPS, type TokenInversion } from './tokenInversion';
export { ciphertextAsToken, tokenPrior, type TokenPrior } from './serverView';
export { runInversion, DLG_SIZE, type InversionContext, type InversionScore } from './runInversion';
export { denseFirstLayerLeak, type DenseFirstLayerLeak } from './denseFirstLayer';
