/**
 * The inference benchmark suite: each diagnosis model (the trained ones under
 * public/models, or fixture models of the same architecture when none is there
 * yet — said in every row) on each backend that runs here: Node wasm, and in the
 * page webgpu, webgl and wasm. Rows: latency per image of the plain model and of
 * the key-adapted model on the encrypted image (target: no measurable
 * difference), encryption + adapted inference, and batch throughput. Summary:
 * model sizes, adaptation time (target < 100 ms), the cost of privacy
 * (encrypt + encrypted inference) / (plain inference) (target <= 1.05), and the
 * backend the app would choose. Kept under about two minutes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { planForKey } from '../../src/lib/cipher/bpe/plan';
import { toModelInput } from '../../src/lib/image/resize';
import { generateKey } from '../../src/lib/keys/key';
import type { ModelSource } from '../../src/lib/models/model';
import { parseManifest } from '../../src/lib/models/weightsFile';
import { brainPhantom } from '../../src/lib/samples/phantom';
import type {
  BrowserInferenceBenchConfig,
  BrowserInferenceBenchResult,
  BrowserModelSpec,
} from '../inference/inferenceBench.browser';
import {
  benchModel,
  INFERENCE_BENCH_DEFAULTS,
  type InferenceBenchOptions,
  type ModelBenchResult,
} from '../inference/inferenceBench';
import { fixtureModelFiles } from '../../src/testing/fixtureModel';
import { row, type BenchRow } from '../results';
import type { BenchSuite } from './types';

const MODELS_DIR = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../public/models');
const BROWSER_MODULE = '/bench/inference/inferenceBench.browser.ts';
const TARGETS = { privacyCost: 1.05, adaptMs: 100, cpuMsPerImage: 50, modelBytes: 5e6 };

interface ModelSpec extends BrowserModelSpec {
  source: ModelSource;
  fixtureNote?: string;
}

function modelSpecs(): ModelSpec[] {
  const trained = existsSync(MODELS_DIR)
    ? readdirSync(MODELS_DIR)
        .filter((n) => existsSync(join(MODELS_DIR, n, 'model.json')))
        .sort()
    : [];
  if (trained.length) {
    return trained.map((name) => {
      const dir = join(MODELS_DIR, name);
      const manifest = parseManifest(readFileSync(join(dir, 'model.json'), 'utf8'));
      return {
        name,
        url: `/models/${name}/`,
        weightsBytes: manifest.byteLength,
        source: { loader: async (f: string) => new Uint8Array(await readFile(join(dir, f))) },
      };
    });
  }
  return (['vit', 'cnn'] as const).map((architecture, i) => {
    const f = fixtureModelFiles(architecture, 31 + i);
    return {
      name: `${architecture}-fixture`,
      fixture: { architecture, seed: 31 + i },
      weightsBytes: f.weights.length,
      source: { manifest: f.manifest, weights: f.weights },
      fixtureNote: 'untrained fixture weights (no trained model in public/models yet)',
    };
  });
}

function toBenchRows(
  results: ModelBenchResult[],
  runtime: 'node' | 'browser',
  notes: Record<string, string | undefined>,
): BenchRow[] {
  return results.flatMap((r) =>
    r.rows.map((x) =>
      row({
        suite: 'inference',
        name: `${x.model}: ${x.variant}`,
        runtime,
        device: `tfjs ${x.backend}`,
        images: x.images,
        imageBytes: 200 * 200 * 3,
        iterations: x.timing.runs,
        msPerBatch: x.timing.bestMs,
        msPerBatchMedian: x.timing.medianMs,
        rounds: 1,
        verified: x.maxAbsLogitDiff === undefined ? null : x.maxAbsLogitDiff < 1e-3,
        note:
          [
            x.maxAbsLogitDiff === undefined ? undefined : `max |logit diff| ${x.maxAbsLogitDiff.toExponential(1)}`,
            notes[x.model],
          ]
            .filter(Boolean)
            .join('; ') || undefined,
      }),
    ),
  );
}

function median(rowsOf: ModelBenchResult, prefix: string): number | undefined {
  return rowsOf.rows.find((x) => x.variant.startsWith(prefix))?.timing.medianMs;
}

function summaryLines(
  all: Array<ModelBenchResult & { runtime: string }>,
  browser: BrowserInferenceBenchResult | null,
  specs: ModelSpec[],
): string[] {
  const lines: string[] = [];
  for (const s of specs)
    lines.push(
      `model ${s.name}: weights ${(s.weightsBytes / 1e6).toFixed(2)} MB (target < ${TARGETS.modelBytes / 1e6} MB: ${s.weightsBytes < TARGETS.modelBytes ? 'met' : 'missed'})${s.fixtureNote ? ` — ${s.fixtureNote}` : ''}`,
    );
  for (const r of all) {
    const plain = median(r, 'plain model, original, 1');
    const adapted = median(r, 'adapted model, encrypted, 1');
    const batch = r.rows.find((x) => x.variant.startsWith('plain model, original, batch'));
    const costs = Object.entries(r.privacyCost)
      .map(
        ([k, v]) =>
          `${k} ${v.toFixed(2)}x (median of per-round ratios; middle half ${r.privacyCostQuartiles[k].map((q) => q.toFixed(2)).join('–')}), ${r.privacyCostBest[k].toFixed(2)}x best (${v <= TARGETS.privacyCost ? 'met' : 'missed'})`,
      )
      .join(', ');
    lines.push(
      `${r.runtime} ${r.backend} ${r.model}: ${r.parameters.toLocaleString('en')} params; plain ${plain?.toFixed(1)} ms/image, adapted ${adapted?.toFixed(1)} ms/image (median); ` +
        `${batch ? `batch ${batch.images}: ${((batch.images * 1000) / batch.timing.medianMs).toFixed(1)} images/s` : 'no batch rows (slow backend)'}; adaptation ${r.adapt.medianMs.toFixed(1)} ms (target < ${TARGETS.adaptMs}); ` +
        `(encrypt + encrypted inference)/(plain inference): ${costs} (target <= ${TARGETS.privacyCost})`,
    );
  }
  const cpu = all.filter((r) => r.backend === 'wasm').map((r) => ({ r, ms: median(r, 'plain model, original, 1')! }));
  if (cpu.length)
    lines.push(
      `CPU (wasm) latency per image: ${cpu.map(({ r, ms }) => `${r.runtime} ${r.model} ${ms.toFixed(1)} ms`).join(', ')} (target < ${TARGETS.cpuMsPerImage} ms; the onnxruntime-web reference: 200–400 ms, 30 MB model)`,
    );
  if (browser) {
    lines.push(
      `the app's backend choice here: ${browser.appChoice.label}; ${browser.appChoice.reason}${browser.appChoice.webgpuAdapter ? `; WebGPU adapter ${browser.appChoice.webgpuAdapter.label}` : ''}`,
    );
    for (const s of browser.skipped) lines.push(`skipped: ${s}`);
  }
  return lines;
}

export interface InferenceSuiteConfig {
  options: InferenceBenchOptions;
  browserBackends: Array<'webgpu' | 'webgl' | 'wasm'>;
  budgetMsPerBackend: number;
}

export const INFERENCE_SUITE_DEFAULTS: InferenceSuiteConfig = {
  options: { ...INFERENCE_BENCH_DEFAULTS, minMs: 500, singleMinMs: 3000, batch: 16 },
  browserBackends: ['webgpu', 'webgl', 'wasm'],
  budgetMsPerBackend: 12_000,
};

export function inferenceSuite(cfg: InferenceSuiteConfig = INFERENCE_SUITE_DEFAULTS): BenchSuite {
  return {
    name: 'inference',
    description: 'diagnosis models: plain vs key-adapted latency, batch throughput, cost of privacy, per backend',
    async run(ctx) {
      const cap = (ms: number) => (ctx.minMs !== undefined ? Math.min(ctx.minMs, ms) : ms);
      const options = {
        ...cfg.options,
        minMs: cap(cfg.options.minMs),
        singleMinMs: cap(cfg.options.singleMinMs ?? cfg.options.minMs),
      };
      const specs = modelSpecs();
      const notes = Object.fromEntries(specs.map((s) => [s.name, s.fixtureNote ? 'fixture weights' : undefined]));
      ctx.log(`inference: ${specs.length} models (${specs.map((s) => s.name).join(', ')}); Node wasm rows`);
      if (!(await tf.setBackend('wasm'))) throw new Error('could not start the tfjs wasm backend in Node');
      const images = Array.from({ length: options.batch }, (_, i) =>
        toModelInput(brainPhantom({ seed: 100 + i, lesion: i % 3 === 0 ? 0.2 : 0 }), 200),
      );
      const plan = await planForKey(await generateKey());
      const nodeResults: ModelBenchResult[] = [];
      for (const s of specs)
        nodeResults.push(await benchModel(s.name, s.source, s.weightsBytes, images, plan, options));

      ctx.log(`inference: browser rows (${cfg.browserBackends.join(', ')})`);
      const browserCfg: BrowserInferenceBenchConfig = {
        models: specs.map(({ name, url, fixture, weightsBytes }) => ({ name, url, fixture, weightsBytes })),
        options,
        backends: cfg.browserBackends,
        budgetMs: cfg.budgetMsPerBackend,
      };
      let browser: BrowserInferenceBenchResult | null = null;
      try {
        browser = await ctx.page.evaluate(
          async ([path, c]) => {
            const m = (await import(/* @vite-ignore */ path)) as {
              runInferenceBrowserBench(c: unknown): Promise<BrowserInferenceBenchResult>;
            };
            return m.runInferenceBrowserBench(c);
          },
          [BROWSER_MODULE, browserCfg] as const,
        );
      } catch (err) {
        ctx.log(`inference: browser half failed: ${(err as Error).message}`);
      }
      const rows = [
        ...toBenchRows(nodeResults, 'node', notes),
        ...toBenchRows(browser?.results ?? [], 'browser', notes),
      ];
      const all = [
        ...nodeResults.map((r) => ({ ...r, runtime: 'node' })),
        ...(browser?.results ?? []).map((r) => ({ ...r, runtime: 'browser' })),
      ];
      return {
        rows,
        meta: {
          models: specs.map((s) => ({ name: s.name, weightsBytes: s.weightsBytes, fixture: Boolean(s.fixtureNote) })),
          options,
          appBackendChoice: browser?.appChoice ?? null,
          skipped: browser?.skipped ?? ['browser half failed'],
          perModel: all.map((r) => ({
            runtime: r.runtime,
            backend: r.backend,
            model: r.model,
            parameters: r.parameters,
            loadMs: r.loadMs,
            adaptMs: r.adapt,
            privacyCost: r.privacyCost,
            privacyCostQuartiles: r.privacyCostQuartiles,
            privacyCostBest: r.privacyCostBest,
          })),
          targets: TARGETS,
        },
        summary: summaryLines(all, browser, specs),
      };
    },
  };
}
