/**
 * The page's access to block-pixel encryption: one engine per "prefer GPU"
 * choice (WebGPU when offered, else the CPU reference), and one plan per key.
 * The engine says which path it took; the status bar shows it.
 *
 * Must never: keep a plan for a key the user has replaced or forgotten (plans are
 * keyed by the CipherKey object in a WeakMap, so they go when the key goes; the
 * WebGPU engine's uploaded tables are dropped by forgetPlans()).
 */
import { createBpeEngine, createCpuBpeEngine, type BpeEngine } from '../../../lib/cipher/bpe/engine';
import { DEFAULT_BLOCK_SIZE, DEFAULT_IMAGE_SIZE, planForKey, type BpePlan } from '../../../lib/cipher/bpe/plan';
import type { CipherKey } from '../../../lib/keys/key';
import type { ComputePath } from '../state/results';

export const MODEL_SIZE = DEFAULT_IMAGE_SIZE;
export const BLOCK_SIZE = DEFAULT_BLOCK_SIZE;

const engines = new Map<boolean, Promise<BpeEngine>>();
const plans = new WeakMap<CipherKey, Promise<BpePlan>>();

export function bpeEngine(preferGpu: boolean): Promise<BpeEngine> {
  let engine = engines.get(preferGpu);
  if (!engine) {
    engine = createBpeEngine({ preferGpu });
    engines.set(preferGpu, engine);
  }
  return engine;
}

export function planFor(key: CipherKey): Promise<BpePlan> {
  let plan = plans.get(key);
  if (!plan) {
    plan = planForKey(key, { imageSize: MODEL_SIZE, blockSize: BLOCK_SIZE });
    plans.set(key, plan);
  }
  return plan;
}

/** The cached engines that started (one that failed to start holds nothing). */
async function startedEngines(): Promise<BpeEngine[]> {
  const all = await Promise.all([...engines.values()].map((e) => e.catch(() => undefined)));
  return all.filter((e): e is BpeEngine => e !== undefined);
}

/** Drops the plans every cached engine keeps (GPU tables): called when the key is forgotten or replaced. */
export async function forgetPlans(): Promise<void> {
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
