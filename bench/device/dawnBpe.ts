/**
 * The BPE kernel (src/lib/cipher/bpe/bpe.wgsl) on a real GPU, without a browser: the
 * project's own WebGPU host (createGpuBpe) and browser benchmark (runBpeBrowserBench)
 * run in Node on Dawn (the `webgpu` npm package, Dawn's Node binding), so a machine
 * with a GPU and a Vulkan driver but no Chromium checks the shader path that the
 * page's tests can only run on SwiftShader. Not part of `npm run bench`: run it where
 * a GPU is lent (bench/device/README.md says how).
 *   node dawnBpe.mjs /path/to/webgpu/index.js [--quick] > result.json
 * (--quick: two geometries, small batches, one short round: a smoke test on a software adapter)
 * Prints one JSON object: the adapter, a parity sweep (encrypt = the TypeScript
 * reference byte for byte, decrypt(encrypt) = the original, over image sizes whose
 * pixel count is or is not a multiple of 4, both table layouts, 1-8 images per
 * invocation, batches of 1-257) and the benchmark rows (every row verified against
 * the reference before it is timed).
 */
import { gather } from '../../src/lib/cipher/bpe/bpe';
import { planForKey } from '../../src/lib/cipher/bpe/plan';
import { createGpuBpe, GPU_PLAN_LAYOUTS } from '../../src/lib/cipher/bpe/webgpu';
import { keyFromBytes } from '../../src/lib/keys/key';
import { runBpeBrowserBench } from '../bpeBench.browser';
import { BENCH_KEY_BYTES } from '../benchConfig';
import { compareBytes } from '../parity';
import { installDawn } from './dawn';

/** Seeded bytes, so a failing case can be rerun; not the phantoms: every byte value must occur. */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const quick = process.argv.includes('--quick');

async function paritySweep(device: GPUDevice) {
  const key = await keyFromBytes(BENCH_KEY_BYTES, 'imported');
  // (S, B): 200/25 the model input; S = 225 and 63 odd (S*S not a multiple of 4: padded strides); 1024 the largest
  const geometries = [
    [200, 25],
    [224, 16],
    [225, 25],
    [225, 15],
    [63, 7],
    [1024, 32],
  ].filter((_, k) => !quick || k === 0 || k === 3);
  const cases: {
    imageSize: number;
    blockSize: number;
    layout: string;
    imagesPerInvocation: number;
    batch: number;
    encryptMismatches: number;
    roundTripMismatches: number;
  }[] = [];
  for (const [imageSize, blockSize] of geometries) {
    const plan = await planForKey(key, { imageSize, blockSize });
    const n = imageSize * imageSize * 3;
    for (const layout of GPU_PLAN_LAYOUTS)
      for (const imagesPerInvocation of quick ? [1, 8] : [1, 4, 8]) {
        const bpe = await createGpuBpe(device, { layout, imagesPerInvocation });
        try {
          for (const batch of quick ? [1, 5] : imageSize >= 1024 ? [1, 9] : [1, 5, 64, 257]) {
            const images = noise(n * batch, imageSize * 7919 + batch);
            const encrypted = await bpe.encryptBatch(plan, images);
            const back = await bpe.decryptBatch(plan, encrypted);
            cases.push({
              imageSize,
              blockSize,
              layout,
              imagesPerInvocation,
              batch,
              encryptMismatches: compareBytes(encrypted, gather(plan, images)).mismatches,
              roundTripMismatches: compareBytes(back, images).mismatches,
            });
          }
        } finally {
          bpe.dispose();
        }
      }
  }
  return {
    cases: cases.length,
    failed: cases.filter((c) => c.encryptMismatches || c.roundTripMismatches),
    bytesChecked: cases.reduce((s, c) => s + c.imageSize * c.imageSize * 3 * c.batch * 2, 0),
  };
}

async function main() {
  const modulePath = process.argv[2];
  if (!modulePath) throw new Error('usage: node dawnBpe.mjs /path/to/webgpu/index.js');
  const gpu = await installDawn(modulePath);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter (is a Vulkan driver installed?)');
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const info = adapter.info;
  const parity = await paritySweep(device);
  const benches = [];
  for (const batch of quick ? [8] : [64, 1024])
    benches.push({
      batch,
      ...(await runBpeBrowserBench({
        imageSize: 200,
        blockSize: 25,
        batch,
        minMs: quick ? 50 : 400,
        rounds: quick ? 1 : 3,
      })),
    });
  console.log(
    JSON.stringify(
      {
        adapter: {
          vendor: info.vendor,
          architecture: info.architecture,
          device: info.device,
          description: info.description,
        },
        node: process.version,
        parity,
        benches,
      },
      null,
      1,
    ),
  );
  device.destroy();
  // a failing check must fail the command, not only say so in the JSON
  // and the benchmark must have had a GPU (without one it measures the CPU rows alone)
  return parity.failed.length === 0 && benches.every((b) => b.adapter !== null && b.rows.every((r) => r.verified));
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
