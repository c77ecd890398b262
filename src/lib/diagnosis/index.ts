/**
 * Diagnosis on encrypted images, as the app and the CLI run it (issue 3):
 * DiagnosisSession (plain model on the original, key-adapted model on the BPE
 * image, side by side), the model registry (models/<architecture>-<dataset>/),
 * and the timed choice of tfjs backend. Node-safe exports only: the browser
 * worker (inference.worker.ts), its client (client.ts), the GPU input path
 * (gpuInput.ts) and the wasm asset URLs (wasmAssets.ts) are imported directly
 * by the page.
 */
export {
  DiagnosisSession,
  encryptOnCpu,
  warmUp,
  type SideBySideDiagnosis,
  type TimedPrediction,
  type LoadedModelInfo,
  type EncryptForModel,
} from './session';
export {
  discoverModels,
  modelName,
  ARCHITECTURES,
  DATASETS,
  ARCHITECTURE_LABELS,
  DATASET_LABELS,
  type ModelEntry,
  type Architecture,
  type DatasetName,
} from './registry';
export {
  selectInferenceBackend,
  pickFastest,
  type BackendChoice,
  type BackendProbe,
  type SelectOptions,
} from './backend';
export { BACKEND_ORDER, type InferenceBackend } from './backendNames';
