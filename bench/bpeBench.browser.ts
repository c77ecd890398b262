/**
 * The browser half of the BPE benchmark (bench/run.ts drives it through
 * bench/harness.html): TypeScript reference and four-pass in the page, and on
 * the WebGPU device the fused kernel (both plan layouts), the four-dispatch
 * version and a plain copy, all on the same resident buffers and images. Every
 * GPU variant is checked against the TypeScript reference before it is timed.
 */
import { gather } from '../src/cipher/bpe/bpe';
import { encryptFourPass } from '../src/cipher/bpe/fourPass';
import { planForKey } from '../src/cipher/bpe/plan';
import { createGpuBpe, imageStrideBytes, WebGpuUnavailableError, type GpuBpe } from '../src/cipher/bpe/webgpu';
import { keyFromBytes } from '../src/keys/key';
import { BENCH_KEY_BYTES, type BpeBenchConfig } from './benchConfig';
import { createCopyGpu, createFourPassGpu } from './gpuBaselines';
import { phantomBatch } from './images';
import { compareBytes } from './parity';
import { type BenchRow, row } from './results';
import { timeAsync, timeCpu, timeGpu } from './timing';

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

export async function runBpeBrowserBench(cfg: BpeBenchConfig): Promise<{ adapter: string | null; reason?: string; rows: BenchRow[] }> {
  const { imageSize: S, blockSize: B, batch, minMs } = cfg;
  const n = S * S * 3;
  const plan = await planForKey(await keyFromBytes(BENCH_KEY_BYTES, 'imported'), { imageSize: S, blockSize: B });
  const images = phantomBatch(S, batch);
  const reference = gather(plan, images);
  const base = { suite: 'bpe', runtime: 'browser' as const, images: batch, imageBytes: n };
  const rows: BenchRow[] = [];

  const out = new Uint8Array(images.length);
  const ts = timeCpu(() => gather(plan, images, out), minMs);
  rows.push(row({ ...base, name: 'TS reference (fused gather)', device: 'CPU', iterations: ts.iterations, msPerBatch: ts.msPerIteration, verified: compareBytes(out, reference).mismatches === 0 }));
  let fourPassOut: Uint8Array = new Uint8Array(0);
  const ts4 = timeCpu(() => {
    for (let k = 0; k < batch; k++) fourPassOut = encryptFourPass(plan, images.subarray(k * n, (k + 1) * n));
  }, minMs);
  rows.push(row({ ...base, name: 'TS four-pass', device: 'CPU', iterations: ts4.iterations, msPerBatch: ts4.msPerIteration, verified: compareBytes(fourPassOut, reference.subarray((batch - 1) * n)).mismatches === 0 }));

  let table: GpuBpe;
  try {
    table = await createGpuBpe(undefined, { layout: 'table' });
  } catch (err) {
    if (err instanceof WebGpuUnavailableError) return { adapter: null, reason: err.message, rows };
    throw err;
  }
  const blocks = await createGpuBpe(table.device, { layout: 'blocks' });
  const device = table.device;
  const adapter = table.adapter.label;
  const stride = imageStrideBytes(plan);
  if (stride !== n) throw new Error('the benchmark geometry must have S*S*3 divisible by 4');
  const size = stride * batch;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const [input, output, scratchA, scratchB] = ['in', 'out', 'scratch A', 'scratch B'].map((label) => device.createBuffer({ label, size, usage }));
  device.queue.writeBuffer(input, 0, images.buffer as ArrayBuffer, images.byteOffset, images.byteLength);
  const gpuBase = { ...base, device: adapter };
  const reset = () => device.queue.writeBuffer(output, 0, new Uint8Array(size)); // a stale right answer must not pass

  try {
    for (const [engine, name] of [[table, 'WebGPU fused kernel (whole-image table)'], [blocks, 'WebGPU fused kernel (block-local tables)']] as const) {
      reset();
      const record = (e: GPUCommandEncoder) => engine.encodeGather(e, plan, 'encrypt', input, output, batch);
      const t = await timeGpu(device, record, minMs);
      const verified = compareBytes(await readBuffer(device, output, size), reference).mismatches === 0;
      rows.push(row({ ...gpuBase, name, iterations: t.iterations, msPerBatch: t.msPerIteration, verified }));
    }

    const fourPass = await createFourPassGpu(device, plan);
    reset();
    const t4 = await timeGpu(device, (e) => fourPass.record(e, input, output, scratchA, scratchB, batch), minMs);
    rows.push(row({ ...gpuBase, name: 'WebGPU four-pass (4 dispatches)', iterations: t4.iterations, msPerBatch: t4.msPerIteration, verified: compareBytes(await readBuffer(device, output, size), reference).mismatches === 0 }));
    fourPass.dispose();

    const copy = await createCopyGpu(device, stride);
    reset();
    const tc = await timeGpu(device, (e) => copy.record(e, input, output, batch), minMs);
    rows.push(row({ ...gpuBase, name: 'WebGPU plain copy (ceiling)', iterations: tc.iterations, msPerBatch: tc.msPerIteration, verified: compareBytes(await readBuffer(device, output, size), images).mismatches === 0, note: 'verified = copy equals input' }));
    copy.dispose();

    let last: Uint8Array = new Uint8Array(0);
    const te = await timeAsync(async () => {
      last = await table.encryptBatch(plan, images);
    }, minMs);
    rows.push(row({ ...gpuBase, name: 'WebGPU fused, end to end (upload + readback)', iterations: te.iterations, msPerBatch: te.msPerIteration, verified: compareBytes(last, reference).mismatches === 0 }));
  } finally {
    [input, output, scratchA, scratchB].forEach((b) => b.destroy());
    table.dispose();
    blocks.dispose();
  }
  return { adapter, rows };
}
