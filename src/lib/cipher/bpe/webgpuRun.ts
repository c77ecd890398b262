/**
 * Running the BPE gather on a batch (webgpu.ts): uploading whole images into
 * a packed, stride-padded buffer, encoding the gather into a fresh buffer, and
 * (encrypt/decryptBatch) submitting it and reading the bytes back without the
 * stride padding.
 *
 * Errors the GPU reports asynchronously are scoped and thrown here, never
 * returned as silent garbage; every buffer this module creates is destroyed
 * unless it is handed to the caller (encryptToBuffer's output). Never converts
 * bytes to floats and never logs pixels.
 */
import type { BpePlan } from './plan';
import { batchOf, imageStrideBytes, type BpeDirection } from './webgpuTables';

/** What a run needs from its GpuBpe instance. */
export interface RunContext {
  gpu: GPUDevice;
  imagesPerInvocation: number;
  /** largest buffer binding, in bytes */
  limit: number;
  /** largest workgroup count per dimension: images per dispatch / imagesPerInvocation */
  maxImagesPerDispatch: number;
  checkUsable(): void;
  encodeGather(
    encoder: GPUCommandEncoder,
    plan: BpePlan,
    direction: BpeDirection,
    input: GPUBuffer,
    output: GPUBuffer,
    imageCount: number,
  ): void;
}

export interface BufferRun {
  output: GPUBuffer;
  count: number;
  encoder: GPUCommandEncoder;
  input: GPUBuffer;
}

/** Upload whole images into a packed, stride-padded STORAGE buffer. */
function uploadBatch(
  ctx: RunContext,
  plan: BpePlan,
  images: Uint8Array[] | Uint8Array,
): { buffer: GPUBuffer; count: number } {
  const { gpu, limit, imagesPerInvocation, maxImagesPerDispatch } = ctx;
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

/** Upload and encode (not submit) one gather: the caller submits the encoder and owns both buffers. */
export function runToBuffer(
  ctx: RunContext,
  plan: BpePlan,
  direction: BpeDirection,
  images: Uint8Array[] | Uint8Array,
): BufferRun {
  const { gpu } = ctx;
  ctx.checkUsable();
  const { buffer: input, count } = uploadBatch(ctx, plan, images);
  const output = gpu.createBuffer({
    label: `bpe images ${direction}ed`,
    size: input.size,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  const encoder = gpu.createCommandEncoder({ label: `bpe ${direction}` });
  ctx.encodeGather(encoder, plan, direction, input, output, count);
  return { output, count, encoder, input };
}

/** Upload, gather, submit and read back: the images end to end, no padding. */
export async function runAndRead(
  ctx: RunContext,
  plan: BpePlan,
  direction: BpeDirection,
  images: Uint8Array[] | Uint8Array,
): Promise<Uint8Array> {
  const { gpu } = ctx;
  // WebGPU reports validation and memory errors asynchronously, not by throwing:
  // scope them so a failed dispatch is an exception here, never silent garbage.
  gpu.pushErrorScope('out-of-memory');
  gpu.pushErrorScope('validation');
  let run: BufferRun;
  let readback: GPUBuffer;
  let errors: GPUError[];
  try {
    run = runToBuffer(ctx, plan, direction, images);
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
