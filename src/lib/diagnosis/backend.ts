/**
 * Choosing the tfjs backend for inference: try webgpu, webgl, wasm, cpu in that
 * order (`tf.setBackend` answers false rather than throwing), then time one small
 * probe — the ViT's patch embedding, a [64 x 1875] x [1875 x 128] matMul — on
 * each that started and keep the fastest. A software WebGPU adapter (SwiftShader:
 * `isFallbackAdapter`, or its name in adapter.info) is flagged, and the probe
 * shows why it loses: tfjs on SwiftShader runs at a fraction of wasm's speed here
 * (issue 3 measured 0.47 GFLOP/s webgpu, 1.8 webgl, ~20 wasm). BPE encryption
 * keeps its own WebGPU path (src/lib/cipher/bpe/engine.ts); this choice is for the
 * model only.
 *
 * A software GPU — a WebGPU adapter or a WebGL renderer on SwiftShader — is not even
 * started unless nothing else does (issue 20): it is never chosen over wasm, and
 * starting and timing it cost the first diagnosis 0.5–1 s (plus the webgpu
 * backend's code). A real GPU is still timed against wasm.
 *
 * The backends must be registered by the caller (the worker imports -wasm, and
 * -webgpu through `loaders` only when it is tried); this module imports none, so
 * Node can use `pickFastest` and the types.
 * Must never: leave a probe tensor behind, or report a backend it did not run on.
 */
import * as tf from '@tensorflow/tfjs';
import { summarizeAdapter } from '../cipher/bpe/webgpu';

import { BACKEND_ORDER, type InferenceBackend } from './backendNames';

export { BACKEND_ORDER, type InferenceBackend };

export interface BackendProbe {
  backend: InferenceBackend;
  started: boolean;
  /** median time of the probe matMul once warm, ms */
  ms?: number;
  gflops?: number;
  /** why it did not start, or what it is (adapter name, software flag) */
  note?: string;
}

export interface BackendChoice {
  backend: InferenceBackend;
  /** for the UI: "wasm (fastest of webgpu 61 ms, webgl 17 ms, wasm 2.1 ms)" */
  label: string;
  reason: string;
  probes: BackendProbe[];
  /** the WebGPU adapter, when one was offered */
  webgpuAdapter?: { label: string; software: boolean };
}

export interface SelectOptions {
  /** false: skip webgpu and webgl (the user switched the GPU off) */
  preferGpu?: boolean;
  /** force one backend (tests, benchmark); no probe */
  only?: InferenceBackend;
  /** skip the timing and take the first backend that starts (order above, software WebGPU last) */
  noProbe?: boolean;
}

const PROBE = { m: 64, k: 1875, n: 128 };
const PROBE_FLOP = 2 * PROBE.m * PROBE.k * PROBE.n;

/** The fastest started probe; ties (within 10 %) go to the earlier backend in BACKEND_ORDER. */
export function pickFastest(probes: BackendProbe[]): BackendProbe | undefined {
  const timed = probes.filter((p) => p.started && p.ms !== undefined);
  if (timed.length === 0) return probes.find((p) => p.started);
  const best = Math.min(...timed.map((p) => p.ms!));
  return timed
    .filter((p) => p.ms! <= best * 1.1)
    .sort((a, b) => BACKEND_ORDER.indexOf(a.backend) - BACKEND_ORDER.indexOf(b.backend))[0];
}

async function webgpuAdapter(): Promise<{ label: string; software: boolean } | undefined> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) return undefined;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return undefined;
    const s = summarizeAdapter(adapter);
    return { label: s.label, software: s.software };
  } catch {
    return undefined;
  }
}

/** Median wall time of the probe on the current backend, after one untimed run (shader compile, caches). */
async function timeProbe(budgetMs = 400): Promise<number> {
  const a = tf.randomUniform([PROBE.m, PROBE.k]);
  const b = tf.randomUniform([PROBE.k, PROBE.n]);
  try {
    const once = async () => {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
      return performance.now() - t0;
    };
    await once();
    const times: number[] = [];
    const start = performance.now();
    while (times.length < 5 && (times.length < 2 || performance.now() - start < budgetMs)) times.push(await once());
    times.sort((x, y) => x - y);
    return times[Math.floor(times.length / 2)];
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** Loads a backend's code on first use (a dynamic import that registers it); the caller knows where it lives. */
export type BackendLoaders = Partial<Record<InferenceBackend, () => Promise<unknown>>>;

async function tryStart(backend: InferenceBackend, loaders: BackendLoaders): Promise<string | undefined> {
  try {
    await loaders[backend]?.();
  } catch (err) {
    return `could not load its code: ${(err as Error)?.message ?? String(err)}`;
  }
  if (!tf.findBackendFactory(backend)) return 'not registered in this build';
  try {
    if (!(await tf.setBackend(backend))) return 'failed to start';
    await tf.ready();
    return undefined;
  } catch (err) {
    return `failed to start: ${(err as Error)?.message ?? String(err)}`;
  }
}

function describe(choice: BackendProbe, probes: BackendProbe[]): string {
  const timed = probes.filter((p) => p.ms !== undefined);
  if (timed.length <= 1) return choice.backend;
  return `${choice.backend} (fastest of ${timed.map((p) => `${p.backend} ${p.ms!.toFixed(p.ms! < 10 ? 1 : 0)} ms`).join(', ')})`;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/**
 * The WebGL renderer where one can start (an OffscreenCanvas: page or worker; none in Node). A software
 * renderer (ANGLE on SwiftShader) is where tfjs's webgl backend runs at a fraction of wasm's speed.
 */
function webglRenderer(): { label: string; software: boolean } | undefined {
  const Canvas = (globalThis as { OffscreenCanvas?: typeof OffscreenCanvas }).OffscreenCanvas;
  if (!Canvas) return undefined;
  try {
    const gl = new Canvas(1, 1).getContext('webgl2') ?? new Canvas(1, 1).getContext('webgl');
    if (!gl) return undefined;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const label = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { label, software: SOFTWARE_RENDERER.test(label) };
  } catch {
    return undefined;
  }
}

/** The order to try: as BACKEND_ORDER, but backends on a software GPU go just before the cpu backend. */
function candidateOrder(options: SelectOptions, software: ReadonlySet<InferenceBackend>): InferenceBackend[] {
  if (options.only) return [options.only];
  const order = BACKEND_ORDER.filter((b) => options.preferGpu !== false || (b !== 'webgpu' && b !== 'webgl'));
  const first = order.filter((b) => !software.has(b) && b !== 'cpu');
  const last = order.filter((b) => software.has(b));
  return [...first, ...last, ...(order.includes('cpu') ? (['cpu'] as const) : [])];
}

/** Why a last resort was not started: something before it did. */
function lastResortNote(backend: InferenceBackend): string {
  return backend === 'cpu' ? 'not needed' : 'not needed: software GPU (SwiftShader), a fraction of wasm’s speed';
}

export async function selectInferenceBackend(
  options: SelectOptions = {},
  loaders: BackendLoaders = {},
): Promise<BackendChoice> {
  const adapter = await webgpuAdapter();
  const gl = options.only || options.preferGpu === false ? undefined : webglRenderer();
  const software = new Set<InferenceBackend>();
  if (adapter?.software) software.add('webgpu');
  if (gl?.software) software.add('webgl');
  const candidates = candidateOrder(options, software);
  const probes: BackendProbe[] = [];
  for (const backend of candidates) {
    // Last resorts, started only if nothing else did: the pure-JS cpu backend, and a software GPU's backends.
    const lastResort = !options.only && (backend === 'cpu' || software.has(backend));
    if (lastResort && probes.some((p) => p.started)) {
      const what = backend === 'webgpu' ? adapter?.label : backend === 'webgl' ? gl?.label : undefined;
      probes.push({
        backend,
        started: false,
        note: what ? `${lastResortNote(backend)} (${what})` : lastResortNote(backend),
      });
      continue;
    }
    const failure = await tryStart(backend, loaders);
    const probe: BackendProbe = { backend, started: failure === undefined, note: failure };
    if (backend === 'webgpu' && adapter) probe.note = failure ? `${adapter.label}: ${failure}` : adapter.label;
    if (backend === 'webgl' && gl) probe.note = failure ? `${gl.label}: ${failure}` : gl.label;
    if (probe.started && !options.noProbe && !options.only && backend !== 'cpu') {
      try {
        probe.ms = await timeProbe();
        probe.gflops = PROBE_FLOP / (probe.ms * 1e6);
      } catch (err) {
        probe.started = false;
        probe.note = `probe failed: ${(err as Error)?.message ?? String(err)}`;
      }
    }
    probes.push(probe);
  }
  let choice: BackendProbe | undefined;
  if (options.noProbe && !options.only) {
    // no timing: software WebGPU goes behind everything but the cpu backend
    const started = probes.filter((p) => p.started);
    choice = started.find((p) => !(p.backend === 'webgpu' && adapter?.software) && p.backend !== 'cpu') ?? started[0];
  } else {
    choice = pickFastest(probes);
  }
  if (!choice)
    throw new Error(`no tfjs backend could start (${probes.map((p) => `${p.backend}: ${p.note ?? 'no'}`).join('; ')})`);
  if (tf.getBackend() !== choice.backend && !(await tf.setBackend(choice.backend)))
    throw new Error(`tfjs backend ${choice.backend} stopped working`);
  const reason = options.only
    ? `asked for ${options.only}`
    : choice.ms !== undefined
      ? `fastest on a ${(PROBE_FLOP / 1e6).toFixed(0)}-MFLOP probe${adapter?.software ? '; the WebGPU adapter is software (SwiftShader)' : ''}`
      : 'first backend that started';
  return { backend: choice.backend, label: describe(choice, probes), reason, probes, webgpuAdapter: adapter };
}
