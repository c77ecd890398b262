/**
 * The page's access to block-pixel encryption: one engine per "prefer GPU"
 * choice (WebGPU when offered, else the CPU reference), and the key's plan from
 * the one plan cache (src/lib/cipher/bpe/planCache.ts; docs/ARCHITECTURE.md,
 * Protection schemes). The engine says which path it took; the status bar shows it.
 *
 * Must never: keep a plan for a key the user has replaced or forgotten
 * (forgetPlans() clears the plan cache and the WebGPU engines' uploaded tables;
 * the key actions call it on forget and on replace).
 */
import { createBpeEngine, createCpuBpeEngine, type BpeEngine } from '../../../lib/cipher/bpe/engine';
import { DEFAULT_BLOCK_SIZE, type BpePlan } from '../../../lib/cipher/bpe/plan';
import { bpePlans } from '../../../lib/cipher/bpe/planCache';
import { MODEL_INPUT_SIZE } from '../../../lib/image/modelInput';
import type { CipherKey } from '../../../lib/keys/key';
import type { ComputePath } from '../state/results';

export const MODEL_SIZE = MODEL_INPUT_SIZE;
export const BLOCK_SIZE = DEFAULT_BLOCK_SIZE;

const engines = new Map<boolean, Promise<BpeEngine>>();

export function bpeEngine(preferGpu: boolean): Promise<BpeEngine> {
  let engine = engines.get(preferGpu);
  if (!engine) {
    engine = createBpeEngine({ preferGpu });
    engines.set(preferGpu, engine);
  }
  return engine;
}

/** The key's plan at the page's geometry (the one plan cache: the same object every time until forgetPlans). */
export function planFor(key: CipherKey): Promise<BpePlan> {
  return bpePlans.plan(key, { imageSize: MODEL_SIZE, blockSize: BLOCK_SIZE });
}

/** The cached engines that started (one that failed to start holds nothing). */
async function startedEngines(): Promise<BpeEngine[]> {
  const all = await Promise.all([...engines.values()].map((e) => e.catch(() => undefined)));
  return all.filter((e): e is BpeEngine => e !== undefined);
}

/** Drops the cached plans and those every cached engine keeps (GPU tables): called when the key is forgotten or replaced. */
export async function forgetPlans(): Promise<void> {
  bpePlans.clear(); // before any await: no plan of the old key survives this call's first step
  for (const engine of await startedEngines()) engine.forgetPlans();
}

/** How many plans' tables the cached engines hold (GPU): 0 after forgetPlans (end-to-end tests). */
export async function cachedPlans(): Promise<number> {
  return (await startedEngines()).reduce((n, engine) => n + engine.cachedPlans(), 0);
}

export function describePath(engine: BpeEngine): ComputePath {
  if (engine.path === 'webgpu')
    return { path: 'webgpu', detail: engine.adapterInfo ? `${engine.label} — ${engine.adapterInfo}` : engine.label };
  return { path: 'cpu', detail: engine.fallbackReason ? `${engine.label}; ${engine.fallbackReason}` : engine.label };
}

/**
 * Runs one direction of BPE on a batch with the preferred engine. If the GPU path
 * fails mid-way (device lost, out of memory), the engine is dropped from the cache
 * and the batch is redone on the CPU reference, which gives the same bytes; the
 * returned engine says which path actually produced them.
 */
export async function runBpe(
  preferGpu: boolean,
  plan: BpePlan,
  direction: 'encrypt' | 'decrypt',
  images: Uint8Array[] | Uint8Array,
): Promise<{ bytes: Uint8Array; engine: BpeEngine }> {
  const engine = await bpeEngine(preferGpu);
  try {
    return { bytes: await engine[direction](plan, images), engine };
  } catch (err) {
    if (engine.path !== 'webgpu') throw err;
    engines.delete(preferGpu);
    engine.dispose();
    const cpu = createCpuBpeEngine(
      `WebGPU failed during this step (${err instanceof Error ? err.message : String(err)})`,
    );
    return { bytes: await cpu[direction](plan, images), engine: cpu };
  }
}
