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
 * This module composes the pieces and is the one importers use (docs/ARCHITECTURE.md):
 * webgpuDevice.ts (adapter and shared device), webgpuTables.ts (the kernel's
 * tables, CPU side), webgpuPlanBuffers.ts (their GPU copies), webgpuPipeline.ts
 * (WGSL, pipeline, one gather pass) and webgpuRun.ts (upload, run, readback).
 *
 * Must never: log keys, plans or pixels; change a byte's value other than by the
 * plan (no float conversion anywhere).
 */
import type { BpePlan } from './plan';
import { requestSharedDevice, summarizeCallerDevice, type GpuAdapterSummary } from './webgpuDevice';
import { createGatherPipeline } from './webgpuPipeline';
import { PlanBufferCache } from './webgpuPlanBuffers';
import { runAndRead, runToBuffer, type RunContext } from './webgpuRun';
import { DEFAULT_GPU_LAYOUT, imageStrideBytes, type BpeDirection, type GpuPlanLayout } from './webgpuTables';

export {
  summarizeAdapter,
  summarizeAdapterInfo,
  webGpuExposed,
  WebGpuUnavailableError,
  type GpuAdapterSummary,
} from './webgpuDevice';
export { compileShader } from './webgpuPipeline';
export {
  DEFAULT_GPU_LAYOUT,
  GPU_PLAN_LAYOUTS,
  imageStrideBytes,
  type BpeDirection,
  type GpuPlanLayout,
} from './webgpuTables';

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
    adapter = summarizeCallerDevice(device);
  } else {
    ({ device, adapter } = await requestSharedDevice());
  }
  const gpu: GPUDevice = device;
  const layout: GpuPlanLayout = options.layout ?? DEFAULT_GPU_LAYOUT;
  const imagesPerInvocation = options.imagesPerInvocation ?? (adapter.software ? 8 : 4);
  if (!Number.isInteger(imagesPerInvocation) || imagesPerInvocation < 1)
    throw new Error('imagesPerInvocation must be a positive integer');
  const pipeline = await createGatherPipeline(gpu, layout, imagesPerInvocation);
  const limit = Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
  const maxImagesPerDispatch = gpu.limits.maxComputeWorkgroupsPerDimension;

  const plans = new PlanBufferCache(gpu, layout);
  let disposed = false;

  function forgetPlans(): void {
    plans.forget();
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
    pipeline.encode(encoder, plans.get(plan, direction), direction, input, output, imageCount, strideBytes);
  }

  const run: RunContext = { gpu, imagesPerInvocation, limit, maxImagesPerDispatch, checkUsable, encodeGather };

  return {
    device: gpu,
    adapter,
    layout,
    encryptBatch: (plan, images) => runAndRead(run, plan, 'encrypt', images),
    decryptBatch: (plan, images) => runAndRead(run, plan, 'decrypt', images),
    encryptToBuffer(plan, images) {
      const { output, encoder, input } = runToBuffer(run, plan, 'encrypt', images);
      gpu.queue.submit([encoder.finish()]);
      input.destroy(); // destroyed after the submitted work completes
      return output;
    },
    encodeGather,
    cachedPlans: () => plans.size,
    forgetPlans,
    dispose() {
      if (disposed) return;
      disposed = true;
      forgetPlans();
      // The device is shared per page (requestSharedDevice) and stays alive for other users.
    },
  };
}
