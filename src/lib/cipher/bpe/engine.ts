/**
 * The one entry point the UI, the CLI and the tests call to run block-pixel
 * encryption: WebGPU when this runtime offers an adapter, else the TypeScript
 * reference (bpe.ts). Both give the same bytes; the engine says which path it
 * took (and whether the GPU is a software one) so the UI can show it.
 *
 * Must never: silently mix paths within one call, log keys/plans/pixels, or
 * present a software adapter (SwiftShader) as a hardware GPU.
 */
import type { RgbImage } from '../../image/rgb';
import { decryptionMap, gather } from './bpe';
import type { BpePlan } from './plan';
import { createGpuBpe, type GpuBpe, WebGpuUnavailableError } from './webgpu';

export type BpePath = 'webgpu' | 'cpu';

export interface BpeEngine {
  /** the path this engine uses */
  readonly path: BpePath;
  /** for the UI: "WebGPU (SwiftShader, software)", "WebGPU (nvidia, ampere)", "CPU (TypeScript reference)" */
  readonly label: string;
  /** adapter description when path is 'webgpu' */
  readonly adapterInfo?: string;
  /** true when the WebGPU adapter is a software emulation (SwiftShader and the like) */
  readonly softwareAdapter: boolean;
  /** why WebGPU is not used, when path is 'cpu' */
  readonly fallbackReason?: string;
  /** images: one S*S*3 array each, or whole images end to end. Result: whole images end to end. */
  encrypt(plan: BpePlan, images: Uint8Array[] | Uint8Array): Promise<Uint8Array>;
  decrypt(plan: BpePlan, images: Uint8Array[] | Uint8Array): Promise<Uint8Array>;
  encryptImage(plan: BpePlan, image: RgbImage): Promise<RgbImage>;
  decryptImage(plan: BpePlan, image: RgbImage): Promise<RgbImage>;
  /** plans whose tables this engine keeps (WebGPU: on the GPU; the CPU path keeps none) */
  cachedPlans(): number;
  /** drops every kept plan: a plan decrypts what its key encrypted, so it goes with the key */
  forgetPlans(): void;
  dispose(): void;
}

export interface BpeEngineOptions {
  /** try WebGPU first (default true); false forces the CPU reference */
  preferGpu?: boolean;
  /**
   * accept a software adapter such as SwiftShader (default true, so the shader
   * path runs and is shown even without a GPU). On SwiftShader the CPU reference
   * is faster (bench/results/bpe.json); pass false to take the CPU path there.
   */
  allowSoftwareGpu?: boolean;
}

function concatenated(images: Uint8Array[] | Uint8Array): Uint8Array {
  if (images instanceof Uint8Array) return images;
  if (images.length === 1) return images[0];
  const out = new Uint8Array(images.reduce((sum, a) => sum + a.length, 0));
  let at = 0;
  for (const a of images) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

function checkSquare(plan: BpePlan, image: RgbImage): void {
  if (image.width !== plan.imageSize || image.height !== plan.imageSize) {
    throw new Error(`BPE needs a ${plan.imageSize}x${plan.imageSize} image; got ${image.width}x${image.height}`);
  }
}

function engineOn(
  path: BpePath,
  run: (plan: BpePlan, direction: 'encrypt' | 'decrypt', images: Uint8Array[] | Uint8Array) => Promise<Uint8Array>,
  details: Pick<BpeEngine, 'label' | 'adapterInfo' | 'softwareAdapter' | 'fallbackReason'> &
    Partial<Pick<BpeEngine, 'dispose' | 'cachedPlans' | 'forgetPlans'>>,
): BpeEngine {
  const onImage = async (plan: BpePlan, direction: 'encrypt' | 'decrypt', image: RgbImage): Promise<RgbImage> => {
    checkSquare(plan, image);
    return { width: image.width, height: image.height, data: await run(plan, direction, image.data) };
  };
  return {
    path,
    ...details,
    encrypt: (plan, images) => run(plan, 'encrypt', images),
    decrypt: (plan, images) => run(plan, 'decrypt', images),
    encryptImage: (plan, image) => onImage(plan, 'encrypt', image),
    decryptImage: (plan, image) => onImage(plan, 'decrypt', image),
    cachedPlans: () => details.cachedPlans?.() ?? 0,
    forgetPlans: () => details.forgetPlans?.(),
    dispose: () => details.dispose?.(),
  };
}

export function createCpuBpeEngine(fallbackReason?: string): BpeEngine {
  return engineOn(
    'cpu',
    async (plan, direction, images) => {
      const batch = concatenated(images);
      return gather(direction === 'encrypt' ? plan : decryptionMap(plan), batch);
    },
    { label: 'CPU (TypeScript reference)', softwareAdapter: false, fallbackReason },
  );
}

export async function createBpeEngine(options: BpeEngineOptions = {}): Promise<BpeEngine> {
  if (options.preferGpu === false) return createCpuBpeEngine('WebGPU not requested');
  let gpu: GpuBpe;
  try {
    gpu = await createGpuBpe();
  } catch (err) {
    const reason =
      err instanceof WebGpuUnavailableError
        ? err.message
        : `WebGPU failed to start: ${(err as Error)?.message ?? String(err)}`;
    return createCpuBpeEngine(reason);
  }
  const { adapter } = gpu;
  if (adapter.software && options.allowSoftwareGpu === false) {
    gpu.dispose();
    return createCpuBpeEngine(
      `the WebGPU adapter is software (${adapter.label}) and software adapters were not allowed`,
    );
  }
  const adapterInfo =
    [adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter(Boolean).join(' / ') ||
    adapter.label;
  return engineOn(
    'webgpu',
    (plan, direction, images) =>
      direction === 'encrypt' ? gpu.encryptBatch(plan, images) : gpu.decryptBatch(plan, images),
    {
      label: adapter.label,
      adapterInfo,
      softwareAdapter: adapter.software,
      dispose: () => gpu.dispose(),
      cachedPlans: () => gpu.cachedPlans(),
      forgetPlans: () => gpu.forgetPlans(),
    },
  );
}
