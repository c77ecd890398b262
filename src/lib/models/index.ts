/**
 * Public API of the diagnosis models (ViT and Masked-CNN over BPE blocks, key
 * adaptation, weight files). Browser- and Node-safe: no filesystem access here.
 */
export {
  load,
  createModel,
  adaptModel,
  toBatch,
  type DiagnosisModel,
  type Prediction,
  type ModelInput,
  type ModelSource,
  type LoadOptions,
} from './model';
export { defaultCnnConfig, defaultVitConfig, type ModelConfig, type VitConfig, type CnnConfig } from './config';
export { serializeModel, deserializeWeights, parseManifest, MANIFEST_FILE, type ModelManifest } from './weightsFile';
export { adaptPatchEmbedding, adaptPositions, cellSourceFor } from './adapt';
export { initVit } from './vit';
export { initCnn } from './cnn';
