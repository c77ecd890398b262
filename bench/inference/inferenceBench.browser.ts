/**
 * Browser half of the inference benchmark: loaded by bench/suites/inference.ts
 * into bench/harness.html (Vite dev server, headless Chromium with WebGPU).
 * Registers the tfjs backends, records which one the app's probe would pick (and
 * each probe's speed), then times every model on webgpu, webgl and wasm in turn
 * (bench/inference/inferenceBench.ts). On webgpu it also times the GPU-buffer path
 * (encrypted image from the BPE kernel straight into the model).
 * Slow backends (a software adapter) get fewer runs, a smaller batch and a time
 * budget, so the suite stays short; what was skipped is reported.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import { planForKey } from '../../src/lib/cipher/bpe/plan';
import { toModelInput } from '../../src/lib/image/resize';
import { generateKey } from '../../src/lib/keys/key';
import type { ModelSource } from '../../src/lib/models/model';
import { brainPhantom } from '../../src/lib/samples/phantom';
import { selectInferenceBackend, type BackendChoice, type InferenceBackend } from '../../src/lib/diagnosis/backend';
import { fixtureModelFiles } from '../../src/testing/fixtureModel';
import { gpuBufferEncryptor } from '../../src/platform/browser/gpuInput';
import { benchModel, type InferenceBenchOptions, type ModelBenchResult } from './inferenceBench';
import { useBundledWasmFiles } from '../../src/platform/browser/wasmAssets';

export interface BrowserModelSpec {
  name: string;
  /** trained model folder URL (same origin), or a fixture to build in the page */
  url?: string;
  fixture?: { architecture: 'vit' | 'cnn'; seed: number };
  weightsBytes: number;
}

export interface BrowserInferenceBenchConfig {
  models: BrowserModelSpec[];
  options: InferenceBenchOptions;
  backends: InferenceBackend[];
  /** per backend, ms: models after it is spent are skipped (and listed) */
  budgetMs: number;
}

export interface BrowserInferenceBenchResult {
  /** what the app would pick here, with the probe timings */
  appChoice: BackendChoice;
  results: ModelBenchResult[];
  skipped: string[];
}

function sourceOf(spec: BrowserModelSpec): ModelSource {
  if (spec.url) return { url: spec.url };
  const f = fixtureModelFiles(spec.fixture!.architecture, spec.fixture!.seed);
  return { manifest: f.manifest, weights: f.weights };
}

export async function runInferenceBrowserBench(cfg: BrowserInferenceBenchConfig): Promise<BrowserInferenceBenchResult> {
  useBundledWasmFiles();
  const appChoice = await selectInferenceBackend({ preferGpu: true });
  const images = Array.from({ length: Math.max(1, cfg.options.batch) }, (_, i) =>
    toModelInput(brainPhantom({ seed: 100 + i, lesion: i % 3 === 0 ? 0.2 : 0 }), 200),
  );
  const plan = await planForKey(await generateKey());
  const results: ModelBenchResult[] = [];
  const skipped: string[] = [];
  for (const backend of cfg.backends) {
    const probe = appChoice.probes.find((p) => p.backend === backend);
    try {
      await selectInferenceBackend({ only: backend });
    } catch (err) {
      skipped.push(`${backend}: did not start (${(err as Error).message})`);
      continue;
    }
    // Software WebGPU / WebGL here run at a few GFLOP/s or less: a full run would take minutes.
    // Below 0.5 GFLOP/s: one timed round, no batch rows; below 5: two rounds, batch of 4.
    const gflops = probe?.gflops ?? Infinity;
    const slow = gflops < 5;
    const options: InferenceBenchOptions =
      gflops < 0.5
        ? { ...cfg.options, minMs: 0, singleMinMs: 0, minRuns: 1, maxRuns: 1, batch: 0, warmUpOnce: true }
        : slow
          ? {
              ...cfg.options,
              minMs: 0,
              singleMinMs: 0,
              minRuns: 2,
              maxRuns: 2,
              batch: Math.min(4, cfg.options.batch),
              warmUpOnce: true,
            }
          : { ...cfg.options };
    if (backend === 'webgpu') {
      const gpu = await gpuBufferEncryptor();
      if (gpu) options.encryptors = { 'GPU buffer': gpu };
    }
    const start = performance.now();
    for (const spec of cfg.models) {
      // the budget keeps slow (software) backends from taking minutes; fast ones run every model
      if (slow && performance.now() - start > cfg.budgetMs) {
        skipped.push(
          `${spec.name} on ${backend}: time budget spent (${(cfg.budgetMs / 1000).toFixed(0)} s per slow backend)`,
        );
        continue;
      }
      try {
        results.push(await benchModel(spec.name, sourceOf(spec), spec.weightsBytes, images, plan, options));
      } catch (err) {
        skipped.push(`${spec.name} on ${backend}: ${(err as Error).message}`);
      }
    }
  }
  await tf.setBackend(appChoice.backend);
  return { appChoice, results, skipped };
}
