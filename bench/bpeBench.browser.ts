/**
 * The browser half of the BPE benchmark (bench/run.ts drives it through
 * bench/harness.html): TypeScript reference and four-pass in the page, and on the
 * WebGPU device the fused kernel in each plan layout, the four-dispatch version,
 * a plain copy and the end-to-end path (upload + kernel + readback), all on the
 * same resident buffers and images. Every variant is checked against the
 * TypeScript reference before it is timed.
 */
import { gather } from '../src/lib/cipher/bpe/bpe';
import { encryptFourPass } from '../src/lib/cipher/bpe/fourPass';
import { planForKey } from '../src/lib/cipher/bpe/plan';
import {
  createGpuBpe,
  DEFAULT_GPU_LAYOUT,
  GPU_PLAN_LAYOUTS,
  type GpuPlanLayout,
  imageStrideBytes,
  WebGpuUnavailableError,
  type GpuBpe,
} from '../src/lib/cipher/bpe/webgpu';
import { keyFromBytes } from '../src/lib/keys/key';
import { BENCH_KEY_BYTES, type BpeBenchConfig } from './benchConfig';
import { createByteWiseGpu, createCopyGpu, createFourPassGpu } from './gpuBaselines';
import { phantomBatch } from './images';
import { compareBytes } from './parity';
import type { BenchRow } from './results';
import { timeAsync, timeCpu, timeGpu } from './timing';
import { measureVariants, type Variant } from './variants';

export const LAYOUT_NAMES: Record<GpuPlanLayout, string> = {
  table: 'whole-image table',
  blocks: 'block-local tables',
};

async function readBuffer(device: GPUDevice, buffer: GPUBuffer, size: number): Promise<Uint8Array> {
  const readback = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, readback, 0, size);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const out = new Uint8Array(readback.getMappedRange()).slice();
  readback.destroy();
  return out;
}

const same = (a: Uint8Array, b: Uint8Array) => compareBytes(a, b).mismatches === 0;

export async function runBpeBrowserBench(
  cfg: BpeBenchConfig,
): Promise<{ adapter: string | null; reason?: string; rows: BenchRow[] }> {
  const { imageSize: S, blockSize: B, batch, minMs, rounds } = cfg;
  const n = S * S * 3;
  const plan = await planForKey(await keyFromBytes(BENCH_KEY_BYTES, 'imported'), { imageSize: S, blockSize: B });
  const images = phantomBatch(S, batch);
  const reference = gather(plan, images);
  const base = { suite: 'bpe', images: batch, imageBytes: n };

  const out = new Uint8Array(images.length);
  let fourPassOut: Uint8Array = new Uint8Array(0);
  const fourPassAll = () => {
    for (let k = 0; k < batch; k++) fourPassOut = encryptFourPass(plan, images.subarray(k * n, (k + 1) * n));
  };
  const variants: Variant[] = [
    {
      name: 'TS reference (fused gather)',
      runtime: 'browser',
      device: 'CPU',
      verify: async () => same(gather(plan, images, out), reference),
      measure: async () => timeCpu(() => gather(plan, images, out), minMs),
    },
    {
      name: 'TS four-pass',
      runtime: 'browser',
      device: 'CPU',
      verify: async () => (fourPassAll(), same(fourPassOut, reference.subarray((batch - 1) * n))),
      measure: async () => timeCpu(fourPassAll, minMs),
    },
  ];

  let first: GpuBpe;
  try {
    first = await createGpuBpe(undefined, { layout: GPU_PLAN_LAYOUTS[0] });
  } catch (err) {
    if (err instanceof WebGpuUnavailableError)
      return { adapter: null, reason: err.message, rows: await measureVariants(variants, rounds, base, cfg.only) };
    throw err;
  }
  const engines: GpuBpe[] = [first];
  for (const layout of GPU_PLAN_LAYOUTS.slice(1)) engines.push(await createGpuBpe(first.device, { layout }));
  const device = first.device;
  const adapter = first.adapter.label;
  const stride = imageStrideBytes(plan);
  if (stride !== n) throw new Error('the benchmark geometry must have an even image size (no padding between images)');
  const size = stride * batch;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const [input, output, scratchA, scratchB] = ['in', 'out', 'scratch A', 'scratch B'].map((label) =>
    device.createBuffer({ label, size, usage }),
  );
  device.queue.writeBuffer(input, 0, images.buffer as ArrayBuffer, images.byteOffset, images.byteLength);
  const fourPass = await createFourPassGpu(device, plan);
  const copy = await createCopyGpu(device, stride, 'word');
  const copyVec4 = await createCopyGpu(device, stride, 'vec4');
  const byteWise = await createByteWiseGpu(device, plan);

  /** A GPU variant on the resident buffers: clear the output (a stale right answer must not pass), run once, compare. */
  const onDevice = (
    name: string,
    record: (e: GPUCommandEncoder) => void,
    expected: Uint8Array,
    note?: string,
  ): Variant => ({
    name,
    runtime: 'browser',
    device: adapter,
    note,
    async verify() {
      device.queue.writeBuffer(output, 0, new Uint8Array(size));
      const encoder = device.createCommandEncoder();
      record(encoder);
      device.queue.submit([encoder.finish()]);
      return same(await readBuffer(device, output, size), expected);
    },
    measure: () => timeGpu(device, record, minMs),
  });
  for (const engine of engines) {
    variants.push(
      onDevice(
        `WebGPU fused kernel (${LAYOUT_NAMES[engine.layout]})`,
        (e) => engine.encodeGather(e, plan, 'encrypt', input, output, batch),
        reference,
      ),
    );
  }
  variants.push(
    onDevice(
      'WebGPU byte-wise fused (baseline: one entry + one word per byte)',
      (e) => byteWise.record(e, input, output, batch),
      reference,
    ),
  );
  variants.push(
    onDevice(
      'WebGPU four-pass (4 dispatches)',
      (e) => fourPass.record(e, input, output, scratchA, scratchB, batch),
      reference,
    ),
  );
  variants.push(
    onDevice(
      'WebGPU plain copy (ceiling; u32 per invocation)',
      (e) => copy.record(e, input, output, batch),
      images,
      'verified = copy equals input',
    ),
  );
  variants.push(
    onDevice(
      'WebGPU plain copy (ceiling; vec4 per invocation)',
      (e) => copyVec4.record(e, input, output, batch),
      images,
      'verified = copy equals input',
    ),
  );
  const endToEnd = (engine: GpuBpe): Variant => ({
    name: `WebGPU fused end to end, upload + readback (${LAYOUT_NAMES[engine.layout]})`,
    runtime: 'browser',
    device: adapter,
    verify: async () => same(await engine.encryptBatch(plan, images), reference),
    measure: () => timeAsync(() => engine.encryptBatch(plan, images), minMs),
  });
  // end to end with the default layout (what the app uses) — see createGpuBpe
  variants.push(endToEnd(engines.find((e) => e.layout === DEFAULT_GPU_LAYOUT) ?? first));

  try {
    return { adapter, rows: await measureVariants(variants, rounds, base, cfg.only) };
  } finally {
    [input, output, scratchA, scratchB].forEach((b) => b.destroy());
    fourPass.dispose();
    copy.dispose();
    copyVec4.dispose();
    byteWise.dispose();
    engines.forEach((e) => e.dispose());
  }
}
