/**
 * Public API of the diagnosis models (ViT and Masked-CNN over blocks, adaptation
 * to a key's protected input, weight files). Browser- and Node-safe: no filesystem access here.
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
export {
  serializeModel,
  deserializeWeights,
  parseManifest,
  MANIFEST_FILE,
  type ModelManifest,
  type ModelCalibration,
} from './weightsFile';
export { adaptPositions, cellSourceFor } from './adapt';
export { CLASS_LABELS, classLabel } from './classNames';
export type { ProtectedInput } from '../protection/protectedInput';
export { initVit } from './vit';
export { initCnn } from './cnn';
