/**
 * Read-only hooks for the end-to-end tests: window.__cipherscanDiagnosis gives
 * the inference backend the worker chose (with its probe timings), the models
 * found, the last diagnosis of a file, and the worker's tfjs memory. Class names,
 * probabilities and logits only — never pixels or key material.
 * Must never: let a caller change state.
 */
import type { BackendChoice } from '../../../lib/diagnosis/backend';
import { workerMemory } from '../../../platform/browser/workers/inferenceClient';
import type { SideBySideDiagnosis } from '../../../lib/diagnosis/session';
import { useDiagnosis } from '../state/diagnosis';

export interface DiagnosisHooks {
  backend(): BackendChoice | null;
  models(): string[];
  modelsStatus(): string;
  result(fileId: string, model?: string): SideBySideDiagnosis | null;
  memory(): Promise<{ numTensors: number; numBytes: number; backend: string }>;
}

declare global {
  interface Window {
    __cipherscanDiagnosis?: DiagnosisHooks;
  }
}

/**
 * Installs them in the e2e build only (a constant at build time: in `vite build` the body is dead code
 * and dropped), and there in a browser driven by automation only (navigator.webdriver), like the page's hooks.
 */
export function installDiagnosisTestHooks(): void {
  if (import.meta.env.MODE !== 'e2e' || window.__cipherscanDiagnosis || !navigator.webdriver) return;
  const hooks: DiagnosisHooks = {
    backend: () => useDiagnosis.getState().backend,
    models: () => useDiagnosis.getState().models.map((m) => m.name),
    modelsStatus: () => useDiagnosis.getState().modelsStatus,
    result(fileId, model) {
      const byModel = useDiagnosis.getState().byFile[fileId];
      if (!byModel) return null;
      const entry = model ? byModel[model] : Object.values(byModel).at(-1);
      return entry ? structuredClone(entry.result) : null;
    },
    memory: () => workerMemory(),
  };
  Object.defineProperty(window, '__cipherscanDiagnosis', {
    value: Object.freeze(hooks),
    configurable: false,
    writable: false,
  });
}
