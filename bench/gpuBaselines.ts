/**
 * GPU baselines for the benchmark, on the same device, buffers and packing as the
 * fused kernel: the four-dispatch BPE (fourPass.wgsl, one dispatch per step of
 * ARCHITECTURE.md §3), the fused gather done byte by byte (byteWise.wgsl) and a plain
 * copy (copy.wgsl, the bandwidth ceiling). Browser only; never used to encrypt
 * anything a user sees.
 */
import type { BpePlan } from '../src/lib/cipher/bpe/plan';
import { compileShader, imageStrideBytes } from '../src/lib/cipher/bpe/webgpu';
import fourPassSource from './fourPass.wgsl?raw';
import copySource from './copy.wgsl?raw';
import byteWiseSource from './byteWise.wgsl?raw';

const WORKGROUP_WIDTH = 64;

function uploadWords(device: GPUDevice, data: Uint32Array, usage: number): GPUBuffer {
  const buffer = device.createBuffer({ size: Math.max(16, data.byteLength), usage: usage | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  return buffer;
}

const storageEntry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({
  binding,
  visibility: GPUShaderStage.COMPUTE,
  buffer: { type },
});

export interface FourPassGpu {
  /** Record the four dispatches: input -> scratchA -> scratchB -> scratchA -> output. */
  record(
    encoder: GPUCommandEncoder,
    input: GPUBuffer,
    output: GPUBuffer,
    scratchA: GPUBuffer,
    scratchB: GPUBuffer,
    imageCount: number,
  ): void;
  dispose(): void;
}

export async function createFourPassGpu(device: GPUDevice, plan: BpePlan): Promise<FourPassGpu> {
  const S = plan.imageSize;
  const B = plan.blockSize;
  const strideWords = imageStrideBytes(plan) / 4;
  const module = await compileShader(device, 'fourPass.wgsl', fourPassSource);
  const layout = device.createBindGroupLayout({
    entries: [
      storageEntry(0, 'uniform'),
      storageEntry(1, 'read-only-storage'),
      storageEntry(2, 'storage'),
      ...[3, 4, 5, 6].map((b) => storageEntry(b, 'read-only-storage')),
    ],
  });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const steps = ['step1PixelScramble', 'step2BlockShuffle', 'step3NegativePositive', 'step4ChannelShuffle'];
  const pipelines = await Promise.all(
    steps.map((entryPoint) =>
      device.createComputePipelineAsync({ layout: pipelineLayout, compute: { module, entryPoint } }),
    ),
  );
  const geometry = uploadWords(
    device,
    new Uint32Array([S, B, S / B, S * S * 3, strideWords, 0, 0, 0]),
    GPUBufferUsage.UNIFORM,
  );
  const tables = [
    plan.pixelPerm,
    plan.blockPerm,
    Uint32Array.from(plan.flipBits),
    Uint32Array.from(plan.channelPerm),
  ].map((t) => uploadWords(device, t, GPUBufferUsage.STORAGE));
  // Bind groups are made per recording, as the fused kernel's host does, so encoding costs match.
  const bindGroup = (from: GPUBuffer, to: GPUBuffer, size: number): GPUBindGroup =>
    device.createBindGroup({
      layout,
      entries: [
        { binding: 0, resource: { buffer: geometry } },
        { binding: 1, resource: { buffer: from, size } },
        { binding: 2, resource: { buffer: to, size } },
        ...tables.map((buffer, k) => ({ binding: 3 + k, resource: { buffer } })),
      ],
    });
  return {
    record(encoder, input, output, scratchA, scratchB, imageCount) {
      const size = strideWords * 4 * imageCount;
      const chain: [GPUBuffer, GPUBuffer][] = [
        [input, scratchA],
        [scratchA, scratchB],
        [scratchB, scratchA],
        [scratchA, output],
      ];
      chain.forEach(([from, to], k) => {
        const pass = encoder.beginComputePass();
        pass.setPipeline(pipelines[k]);
        pass.setBindGroup(0, bindGroup(from, to, size));
        pass.dispatchWorkgroups(Math.ceil(strideWords / WORKGROUP_WIDTH), imageCount, 1);
        pass.end();
      });
    },
    dispose() {
      geometry.destroy();
      tables.forEach((t) => t.destroy());
    },
  };
}

export interface CopyGpu {
  record(encoder: GPUCommandEncoder, input: GPUBuffer, output: GPUBuffer, imageCount: number): void;
  dispose(): void;
}

/** width: 'word' copies one u32 per invocation (like the kernels' output), 'vec4' 16 bytes. */
export async function createCopyGpu(
  device: GPUDevice,
  strideBytes: number,
  width: 'word' | 'vec4' = 'word',
): Promise<CopyGpu> {
  const strideWords = strideBytes / 4;
  if (width === 'vec4' && strideWords % 4 !== 0)
    throw new Error('the vec4 copy needs an image stride that is a multiple of 16 bytes');
  const perInvocationWords = width === 'vec4' ? 4 : 1;
  const module = await compileShader(device, 'copy.wgsl', copySource);
  const layout = device.createBindGroupLayout({
    entries: [storageEntry(0, 'uniform'), storageEntry(1, 'read-only-storage'), storageEntry(2, 'storage')],
  });
  const pipeline = await device.createComputePipelineAsync({
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: width === 'vec4' ? 'copyVec4' : 'copyWords' },
  });
  const geometry = uploadWords(device, new Uint32Array([strideWords, 0, 0, 0]), GPUBufferUsage.UNIFORM);
  return {
    record(encoder, input, output, imageCount) {
      const size = strideBytes * imageCount;
      const group = device.createBindGroup({
        layout,
        entries: [
          { binding: 0, resource: { buffer: geometry } },
          { binding: 1, resource: { buffer: input, size } },
          { binding: 2, resource: { buffer: output, size } },
        ],
      });
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(Math.ceil(strideWords / perInvocationWords / WORKGROUP_WIDTH), imageCount, 1);
      pass.end();
    },
    dispose() {
      geometry.destroy();
    },
  };
}

export interface ByteWiseGpu {
  record(encoder: GPUCommandEncoder, input: GPUBuffer, output: GPUBuffer, imageCount: number): void;
  dispose(): void;
}

export async function createByteWiseGpu(device: GPUDevice, plan: BpePlan): Promise<ByteWiseGpu> {
  const strideBytes = imageStrideBytes(plan);
  const strideWords = strideBytes / 4;
  const module = await compileShader(device, 'byteWise.wgsl', byteWiseSource);
  const layout = device.createBindGroupLayout({
    entries: [
      storageEntry(0, 'uniform'),
      storageEntry(1, 'read-only-storage'),
      storageEntry(2, 'storage'),
      storageEntry(3, 'read-only-storage'),
    ],
  });
  const pipeline = await device.createComputePipelineAsync({
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: 'gatherBytes' },
  });
  const geometry = uploadWords(device, new Uint32Array([plan.src.length, strideWords, 0, 0]), GPUBufferUsage.UNIFORM);
  const byteMap = uploadWords(
    device,
    Uint32Array.from(plan.src, (s, i) => (s | (plan.flip[i] ? 0x80000000 : 0)) >>> 0),
    GPUBufferUsage.STORAGE,
  );
  return {
    record(encoder, input, output, imageCount) {
      const size = strideBytes * imageCount;
      const group = device.createBindGroup({
        layout,
        entries: [
          { binding: 0, resource: { buffer: geometry } },
          { binding: 1, resource: { buffer: input, size } },
          { binding: 2, resource: { buffer: output, size } },
          { binding: 3, resource: { buffer: byteMap } },
        ],
      });
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(Math.ceil(strideWords / WORKGROUP_WIDTH), imageCount, 1);
      pass.end();
    },
    dispose() {
      geometry.destroy();
      byteMap.destroy();
    },
  };
}
