/**
 * The BPE compute pipeline (webgpu.ts's host side of bpe.wgsl): loading and
 * compiling the WGSL, the bind group layout, the pipeline for one plan layout
 * and invocation width, and the encoding of one gather pass into a command
 * encoder.
 *
 * The WGSL stays in bpe.wgsl beside this host; the binding numbers and the
 * workgroup width here must match it. Must never submit work or read buffers
 * back (webgpuRun.ts does), so a caller can batch passes in one encoder.
 */
import type { BpeDirection, GpuPlanLayout } from './webgpuTables';
import type { PlanTables } from './webgpuPlanBuffers';

const ENTRY_POINTS: Record<GpuPlanLayout, string> = { table: 'gatherWithTable', blocks: 'gatherWithBlocks' };
const WORKGROUP_WIDTH = 64; // must equal @workgroup_size in bpe.wgsl

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

export interface GatherPipeline {
  /**
   * Record one gather pass of `imageCount` images (packed, `strideBytes` apart)
   * from `input` to `output` with the plan's tables. The caller checks sizes.
   */
  encode(
    encoder: GPUCommandEncoder,
    tables: PlanTables,
    direction: BpeDirection,
    input: GPUBuffer,
    output: GPUBuffer,
    imageCount: number,
    strideBytes: number,
  ): void;
}

export async function createGatherPipeline(
  gpu: GPUDevice,
  layout: GpuPlanLayout,
  imagesPerInvocation: number,
): Promise<GatherPipeline> {
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
  return {
    encode(encoder, { geometry, mapTable, blockPerm }, direction, input, output, imageCount, strideBytes) {
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
    },
  };
}
