/**
 * WebGPU host for block-pixel encryption: uploads a batch of S x S x 3 images,
 * runs the fused gather kernel (bpe.wgsl) once for the whole batch, and reads the
 * result back (or leaves it on the GPU for a model to read).
 *
 * Uses only the browser WebGPU API (navigator.gpu). In Node, or in a browser
 * without WebGPU, this module still imports cleanly: `createGpuBpe` rejects with
 * `WebGpuUnavailableError` and a reason a person can read, and callers (engine.ts)
 * fall back to the TypeScript reference.
 *
 * Must never: log keys, plans or pixels; change a byte's value other than by the
 * plan (no float conversion anywhere).
 */
import { decryptionMap } from './bpe';
import type { BpePlan } from './plan';

/**
 * How the kernel reads the plan (bpe.wgsl): a whole-image table of pixel entries
 * ('table', S*S entries) or block-local entries + the block permutation ('blocks',
 * B*B + (S/B)^2 entries, coordinates rebuilt in the kernel). Same bytes; the
 * benchmark measures both. On SwiftShader they are within noise of each other
 * since several images share each entry read; on GPUs with small caches the tiny
 * 'blocks' tables may win — run `npm run bench` on the target device.
 */
export type GpuPlanLayout = 'table' | 'blocks';
export const GPU_PLAN_LAYOUTS: readonly GpuPlanLayout[] = ['table', 'blocks'];
const ENTRY_POINTS: Record<GpuPlanLayout, string> = { table: 'gatherWithTable', blocks: 'gatherWithBlocks' };
/** The layout used unless asked otherwise ('table': fewer instructions per pixel; see bench/results/bpe.json). */
export const DEFAULT_GPU_LAYOUT: GpuPlanLayout = 'table';
export type BpeDirection = 'encrypt' | 'decrypt';

export class WebGpuUnavailableError extends Error {
  constructor(reason: string) {
    super(`WebGPU is not available: ${reason}`);
    this.name = 'WebGpuUnavailableError';
  }
}

export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** a software (CPU-emulated) adapter such as SwiftShader: slow, but exact */
  software: boolean;
  /** e.g. "WebGPU (SwiftShader, software)" or "WebGPU (nvidia, ampere)" */
  label: string;
}

export interface GpuBpe {
  readonly device: GPUDevice;
  readonly adapter: GpuAdapterSummary;
  readonly layout: GpuPlanLayout;
  /** images: one S*S*3 array each, or one array holding whole images end to end. Result: end to end, no padding. */
  encryptBatch(plan: BpePlan, images: Uint8Array[] | Uint8Array): Promise<Uint8Array>;
  decryptBatch(plan: BpePlan, images: Uint8Array[] | Uint8Array): Promise<Uint8Array>;
  /**
   * Encrypt and keep the result on the GPU (STORAGE | COPY_SRC), e.g. to feed a
   * model without a CPU round trip. Layout: packed bytes, image k starts at byte
   * k * imageStrideBytes(plan). The caller owns the buffer and must destroy() it.
   */
  encryptToBuffer(plan: BpePlan, images: Uint8Array[] | Uint8Array): GPUBuffer;
  /**
   * Record the gather of `imageCount` images from `input` to `output` (both in the
   * packed layout) into a command encoder. For pipelines that keep data on the
   * GPU, and for the benchmark, which times many dispatches on resident buffers.
   */
  encodeGather(
    encoder: GPUCommandEncoder,
    plan: BpePlan,
    direction: BpeDirection,
    input: GPUBuffer,
    output: GPUBuffer,
    imageCount: number,
  ): void;
  /** how many plans' tables sit on the GPU (each is as good as its key for decrypting) */
  cachedPlans(): number;
  /** destroys every cached plan's GPU tables: for a forgotten or replaced key */
  forgetPlans(): void;
  dispose(): void;
}

const WORKGROUP_WIDTH = 64; // must equal @workgroup_size in bpe.wgsl

/**
 * Bytes between the starts of consecutive images in GPU buffers: S*S*3 rounded up
 * to whole groups of 4 pixels (12 bytes = 3 u32 words), the unit of the
 * kernels. Equal to S*S*3 when S is even; the padding bytes are written as 0.
 */
export function imageStrideBytes(plan: Pick<BpePlan, 'imageSize'>): number {
  return Math.ceil((plan.imageSize * plan.imageSize) / 4) * 12;
}

/** Largest S*S the pixel entries can address (23 bits of pixel index). */
const MAX_PIXELS = 1 << 23;

function gpuApi(): GPU | undefined {
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
}

/** True when this runtime exposes the WebGPU API at all (an adapter may still be missing). */
export function webGpuExposed(): boolean {
  return gpuApi() !== undefined;
}

const SOFTWARE_HINTS = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

export function summarizeAdapter(adapter: GPUAdapter): GpuAdapterSummary {
  return summarizeAdapterInfo(adapter.info, (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true);
}

/** Also for a device someone else made (tfjs): GPUDevice.adapterInfo, where the browser has it. */
export function summarizeAdapterInfo(adapterInfo: GPUAdapterInfo | undefined, fallbackFlag = false): GpuAdapterSummary {
  const info = adapterInfo ?? ({} as GPUAdapterInfo);
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const flagged = (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true || fallbackFlag;
  const software = flagged || SOFTWARE_HINTS.test(`${vendor} ${architecture} ${device} ${description}`);
  const named = /swiftshader/i.test(`${architecture} ${description}`)
    ? 'SwiftShader'
    : [vendor, architecture || description].filter(Boolean).join(', ') || 'unknown adapter';
  return {
    vendor,
    architecture,
    device,
    description,
    software,
    label: `WebGPU (${named}${software ? ', software' : ''})`,
  };
}

interface SharedDevice {
  device: GPUDevice;
  adapter: GpuAdapterSummary;
}

let sharedDevice: Promise<SharedDevice> | undefined;

/** Request the adapter and device once per page; later callers share them. */
function requestSharedDevice(): Promise<SharedDevice> {
  sharedDevice ??= (async () => {
    const gpu = gpuApi();
    if (!gpu) throw new WebGpuUnavailableError('this runtime has no navigator.gpu');
    const adapter = (await gpu.requestAdapter()) ?? (await gpu.requestAdapter({ forceFallbackAdapter: true }));
    if (!adapter) throw new WebGpuUnavailableError('no GPU adapter was offered');
    // Ask for the adapter's buffer limits so large batches fit in one binding.
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
    device.lost.then(() => {
      sharedDevice = undefined; // the next createGpuBpe asks for a fresh device
    });
    return { device, adapter: summarizeAdapter(adapter) };
  })();
  sharedDevice.catch(() => {
    sharedDevice = undefined;
  });
  return sharedDevice;
}

async function loadShaderSource(): Promise<string> {
  // Loaded lazily: Node never gets here, and plain Node (tsx) cannot import `?raw`.
  return (await import('./bpe.wgsl?raw')).default;
}

/** Compile WGSL and turn compiler errors into one readable Error (the default is an opaque "invalid module"). */
export async function compileShader(device: GPUDevice, label: string, code: string): Promise<GPUShaderModule> {
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length)
    throw new Error(
      `${label} does not compile: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`,
    );
  return module;
}

interface PlanBuffers {
  geometry: GPUBuffer;
  tables: Partial<Record<BpeDirection, { mapTable: GPUBuffer; blockPerm: GPUBuffer }>>;
}

const MAX_CACHED_PLANS = 8;
/**
 * Pixel entries (see bpe.wgsl) from a byte map: source pixel |
 * source channel of each output channel << 23 + 2c | inversion << 29 + c. Throws if
 * the map does not move whole pixels, which every bpe-v1 plan and its inverse do.
 */
function packPixelMap(src: Uint32Array, flip: Uint8Array): Uint32Array {
  const pixels = src.length / 3;
  const out = new Uint32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const from = Math.floor(src[p * 3] / 3);
    let entry = from;
    for (let c = 0; c < 3; c++) {
      const s = src[p * 3 + c];
      if (Math.floor(s / 3) !== from)
        throw new Error('this plan does not move whole pixels, which the GPU kernel needs');
      entry |= (s % 3) << (23 + 2 * c);
      if (flip[p * 3 + c]) entry |= 1 << (29 + c);
    }
    out[p] = entry >>> 0;
  }
  return out;
}

/** Block-local byte maps for one direction (packed into pixel entries for gatherWithBlocks). */
function blockMaps(
  plan: BpePlan,
  direction: BpeDirection,
): { src: Uint32Array; flip: Uint8Array; blockPerm: Uint32Array } {
  if (direction === 'encrypt') return { src: plan.blockSrc, flip: plan.blockFlip, blockPerm: plan.blockPerm };
  // plain(block k, local m) = enc(slot invBlockPerm[k], local l = invBlockSrc[m]), inverted by blockFlip[l]
  const n = plan.blockSrc.length;
  const invSrc = new Uint32Array(n);
  const invFlip = new Uint8Array(n);
  for (let l = 0; l < n; l++) {
    invSrc[plan.blockSrc[l]] = l;
    invFlip[plan.blockSrc[l]] = plan.blockFlip[l];
  }
  const invPerm = new Uint32Array(plan.blockPerm.length);
  for (let j = 0; j < plan.blockPerm.length; j++) invPerm[plan.blockPerm[j]] = j;
  return { src: invSrc, flip: invFlip, blockPerm: invPerm };
}

/** The kernel's tables for one direction and layout. */
function kernelTables(
  plan: BpePlan,
  direction: BpeDirection,
  layout: GpuPlanLayout,
): { mapTable: Uint32Array; blockPerm: Uint32Array } {
  if (plan.imageSize * plan.imageSize > MAX_PIXELS)
    throw new Error(
      `the GPU kernel addresses at most ${MAX_PIXELS} pixels per image; use the CPU path for larger images`,
    );
  if (layout === 'table') {
    const map = direction === 'encrypt' ? plan : decryptionMap(plan);
    const packed = packPixelMap(map.src, map.flip);
    // read as one vec4 per 4 pixels: pad to whole groups of 4 (padding pixels are written as 0)
    const mapTable =
      packed.length % 4
        ? Uint32Array.from({ length: Math.ceil(packed.length / 4) * 4 }, (_, i) => packed[i] ?? 0)
        : packed;
    return { mapTable, blockPerm: new Uint32Array(4) }; // blockPerm unused by gatherWithTable
  }
  const { src, flip, blockPerm } = blockMaps(plan, direction);
  return { mapTable: packPixelMap(src, flip), blockPerm };
}

function batchOf(plan: BpePlan, images: Uint8Array[] | Uint8Array): { bytes: Uint8Array[]; count: number } {
  const n = plan.imageSize * plan.imageSize * 3;
  const parts = images instanceof Uint8Array ? [images] : images;
  let count = 0;
  for (const part of parts) {
    if (part.length === 0 || part.length % n !== 0) {
      throw new Error(
        `BPE needs whole ${plan.imageSize}x${plan.imageSize}x3 images (${n} bytes each); got ${part.length} bytes`,
      );
    }
    count += part.length / n;
  }
  if (count === 0) throw new Error('BPE needs at least one image');
  return { bytes: parts, count };
}

export interface GpuBpeOptions {
  layout?: GpuPlanLayout;
  /**
   * Images each invocation handles (IMAGES_PER_INVOCATION in bpe.wgsl). Default:
   * 8 on a software adapter (measured about 2x faster than 1 on SwiftShader), 4 on
   * a hardware GPU (keeps ~10^5 invocations in flight for a batch of 64).
   */
  imagesPerInvocation?: number;
}

export async function createGpuBpe(device?: GPUDevice, options: GpuBpeOptions = {}): Promise<GpuBpe> {
  let adapter: GpuAdapterSummary;
  if (device) {
    const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    adapter = info
      ? summarizeAdapterInfo(info)
      : {
          vendor: '',
          architecture: '',
          device: '',
          description: '',
          software: false,
          label: 'WebGPU (caller-provided device)',
        };
  } else {
    ({ device, adapter } = await requestSharedDevice());
  }
  const gpu: GPUDevice = device;
  const layout: GpuPlanLayout = options.layout ?? DEFAULT_GPU_LAYOUT;
  const imagesPerInvocation = options.imagesPerInvocation ?? (adapter.software ? 8 : 4);
  if (!Number.isInteger(imagesPerInvocation) || imagesPerInvocation < 1)
    throw new Error('imagesPerInvocation must be a positive integer');
  const module = await compileShader(gpu, 'bpe.wgsl', await loadShaderSource());
  const storage = (type: GPUBufferBindingType): GPUBufferBindingLayout => ({ type });
  const bindGroupLayout = gpu.createBindGroupLayout({
    label: 'bpe bindings',
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: storage('uniform') },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: storage('read-only-storage') },
      { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: storage('storage') },
      { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: storage('read-only-storage') },
      { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: storage('read-only-storage') },
    ],
  });
  const pipeline = await gpu.createComputePipelineAsync({
    label: `bpe ${layout}`,
    layout: gpu.createPipelineLayout({ bindGroupLayouts: [bindGroupLayout] }),
    compute: { module, entryPoint: ENTRY_POINTS[layout], constants: { IMAGES_PER_INVOCATION: imagesPerInvocation } },
  });
  const limit = Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
  const maxImagesPerDispatch = gpu.limits.maxComputeWorkgroupsPerDimension;

  // Plans are cached by identity (planForKey results); a few at most, oldest evicted.
  const planCache = new Map<BpePlan, PlanBuffers>();
  let disposed = false;

  function forgetPlans(): void {
    for (const entry of planCache.values()) destroyPlanBuffers(entry);
    planCache.clear();
  }

  function upload(data: Uint32Array, usage: number, label: string): GPUBuffer {
    const buffer = gpu.createBuffer({
      label,
      size: Math.max(16, data.byteLength),
      usage: usage | GPUBufferUsage.COPY_DST,
    });
    gpu.queue.writeBuffer(buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  function planBuffers(
    plan: BpePlan,
    direction: BpeDirection,
  ): { geometry: GPUBuffer; mapTable: GPUBuffer; blockPerm: GPUBuffer } {
    let entry = planCache.get(plan);
    if (!entry) {
      const S = plan.imageSize;
      const B = plan.blockSize;
      const geometry = new Uint32Array([
        S,
        B,
        S / B,
        S * S * 3,
        imageStrideBytes(plan) / 4,
        imageStrideBytes(plan) / 12,
        S * S,
        0,
      ]); // Geometry in bpe.wgsl
      entry = { geometry: upload(geometry, GPUBufferUsage.UNIFORM, 'bpe geometry'), tables: {} };
      planCache.set(plan, entry);
      if (planCache.size > MAX_CACHED_PLANS) {
        const [oldPlan, old] = planCache.entries().next().value as [BpePlan, PlanBuffers];
        planCache.delete(oldPlan);
        destroyPlanBuffers(old);
      }
    } else {
      planCache.delete(plan); // re-insert: most recently used last
      planCache.set(plan, entry);
    }
    let tables = entry.tables[direction];
    if (!tables) {
      const { mapTable, blockPerm } = kernelTables(plan, direction, layout);
      tables = {
        mapTable: upload(mapTable, GPUBufferUsage.STORAGE, `bpe ${direction} map`),
        blockPerm: upload(blockPerm, GPUBufferUsage.STORAGE, `bpe ${direction} block permutation`),
      };
      entry.tables[direction] = tables;
    }
    return { geometry: entry.geometry, ...tables };
  }

  function destroyPlanBuffers(entry: PlanBuffers): void {
    entry.geometry.destroy();
    for (const t of Object.values(entry.tables)) {
      t.mapTable.destroy();
      t.blockPerm.destroy();
    }
  }

  function checkUsable(): void {
    if (disposed) throw new Error('this GPU BPE instance was disposed');
  }

  function encodeGather(
    encoder: GPUCommandEncoder,
    plan: BpePlan,
    direction: BpeDirection,
    input: GPUBuffer,
    output: GPUBuffer,
    imageCount: number,
  ): void {
    checkUsable();
    const strideBytes = imageStrideBytes(plan);
    if (imageCount < 1 || Math.ceil(imageCount / imagesPerInvocation) > maxImagesPerDispatch)
      throw new Error(`a dispatch takes 1 to ${maxImagesPerDispatch * imagesPerInvocation} images`);
    if (input.size < strideBytes * imageCount || output.size < strideBytes * imageCount)
      throw new Error('GPU buffer too small for the batch');
    const { geometry, mapTable, blockPerm } = planBuffers(plan, direction);
    const bindGroup = gpu.createBindGroup({
      layout: bindGroupLayout,
      entries: [
        { binding: 0, resource: { buffer: geometry } },
        { binding: 1, resource: { buffer: input, size: strideBytes * imageCount } },
        { binding: 2, resource: { buffer: output, size: strideBytes * imageCount } },
        { binding: 3, resource: { buffer: mapTable } },
        { binding: 4, resource: { buffer: blockPerm } },
      ],
    });
    const pass = encoder.beginComputePass({ label: `bpe ${direction}` });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    // one invocation per 4 pixels (12 bytes) in each group of imagesPerInvocation images
    pass.dispatchWorkgroups(
      Math.ceil(strideBytes / 12 / WORKGROUP_WIDTH),
      Math.ceil(imageCount / imagesPerInvocation),
      1,
    );
    pass.end();
  }

  /** Upload whole images into a packed, stride-padded STORAGE buffer. */
  function uploadBatch(plan: BpePlan, images: Uint8Array[] | Uint8Array): { buffer: GPUBuffer; count: number } {
    const { bytes, count } = batchOf(plan, images);
    const n = plan.imageSize * plan.imageSize * 3;
    const stride = imageStrideBytes(plan);
    if (stride * count > limit)
      throw new Error(`a batch of ${count} images is larger than this GPU's ${limit}-byte buffer limit: split it`);
    if (Math.ceil(count / imagesPerInvocation) > maxImagesPerDispatch)
      throw new Error(`at most ${maxImagesPerDispatch * imagesPerInvocation} images per batch on this GPU: split it`);
    const buffer = gpu.createBuffer({
      label: 'bpe images in',
      size: stride * count,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
    if (stride === n) {
      let offset = 0;
      for (const part of bytes) {
        gpu.queue.writeBuffer(buffer, offset, part.buffer, part.byteOffset, part.byteLength);
        offset += part.byteLength;
      }
    } else {
      const staged = new Uint8Array(stride * count); // padding bytes stay 0
      let k = 0;
      for (const part of bytes)
        for (let at = 0; at < part.length; at += n, k++) staged.set(part.subarray(at, at + n), k * stride);
      gpu.queue.writeBuffer(buffer, 0, staged);
    }
    return { buffer, count };
  }

  function runToBuffer(
    plan: BpePlan,
    direction: BpeDirection,
    images: Uint8Array[] | Uint8Array,
  ): { output: GPUBuffer; count: number; encoder: GPUCommandEncoder; input: GPUBuffer } {
    checkUsable();
    const { buffer: input, count } = uploadBatch(plan, images);
    const output = gpu.createBuffer({
      label: `bpe images ${direction}ed`,
      size: input.size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const encoder = gpu.createCommandEncoder({ label: `bpe ${direction}` });
    encodeGather(encoder, plan, direction, input, output, count);
    return { output, count, encoder, input };
  }

  async function runAndRead(
    plan: BpePlan,
    direction: BpeDirection,
    images: Uint8Array[] | Uint8Array,
  ): Promise<Uint8Array> {
    // WebGPU reports validation and memory errors asynchronously, not by throwing:
    // scope them so a failed dispatch is an exception here, never silent garbage.
    gpu.pushErrorScope('out-of-memory');
    gpu.pushErrorScope('validation');
    let run: ReturnType<typeof runToBuffer>;
    let readback: GPUBuffer;
    let errors: GPUError[];
    try {
      run = runToBuffer(plan, direction, images);
      readback = gpu.createBuffer({
        label: 'bpe readback',
        size: run.output.size,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      run.encoder.copyBufferToBuffer(run.output, 0, readback, 0, run.output.size);
      gpu.queue.submit([run.encoder.finish()]);
    } finally {
      // popped even when encoding threw, so the scopes stay balanced
      errors = (await Promise.all([gpu.popErrorScope(), gpu.popErrorScope()])).filter((e): e is GPUError => e !== null);
    }
    const { output, count, input } = run;
    try {
      if (errors.length)
        throw new Error(`the GPU refused the BPE ${direction}: ${errors.map((e) => e.message).join('; ')}`);
      await readback.mapAsync(GPUMapMode.READ);
      const packed = new Uint8Array(readback.getMappedRange());
      const n = plan.imageSize * plan.imageSize * 3;
      const stride = imageStrideBytes(plan);
      let result: Uint8Array;
      if (stride === n) {
        result = packed.slice();
      } else {
        result = new Uint8Array(n * count);
        for (let k = 0; k < count; k++) result.set(packed.subarray(k * stride, k * stride + n), k * n);
      }
      readback.unmap();
      return result;
    } finally {
      input.destroy();
      output.destroy();
      readback.destroy();
    }
  }

  return {
    device: gpu,
    adapter,
    layout,
    encryptBatch: (plan, images) => runAndRead(plan, 'encrypt', images),
    decryptBatch: (plan, images) => runAndRead(plan, 'decrypt', images),
    encryptToBuffer(plan, images) {
      const { output, encoder, input } = runToBuffer(plan, 'encrypt', images);
      gpu.queue.submit([encoder.finish()]);
      input.destroy(); // destroyed after the submitted work completes
      return output;
    },
    encodeGather,
    cachedPlans: () => planCache.size,
    forgetPlans,
    dispose() {
      if (disposed) return;
      disposed = true;
      forgetPlans();
      // The device is shared per page (requestSharedDevice) and stays alive for other users.
    },
  };
}
