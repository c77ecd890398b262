/**
 * Browser-side checks behind e2e/gpu.spec.ts: the WebGPU kernel against the
 * TypeScript reference, byte for byte, on random keys and random images, plus the
 * bpe-v1 test vectors. Functions return plain summaries (counts, hashes, flags),
 * never keys or pixels, so nothing secret crosses into test logs.
 */
import { gather, decryptionMap } from '../src/lib/cipher/bpe/bpe';
import { createBpeEngine } from '../src/lib/cipher/bpe/engine';
import { planForKey } from '../src/lib/cipher/bpe/plan';
import { BPE_TEST_VECTORS, testImage } from '../src/testing/bpeTestVectors';
import {
  createGpuBpe,
  type GpuPlanLayout,
  imageStrideBytes,
  WebGpuUnavailableError,
} from '../src/lib/cipher/bpe/webgpu';
import { fromHex, sha256Hex } from '../src/lib/bytes/bytes';
import { generateKey, keyFromBytes } from '../src/lib/keys/key';

export interface ParityCase {
  imageSize: number;
  blockSize: number;
  batch: number;
  layout?: GpuPlanLayout;
}

export interface Comparison {
  bytes: number;
  mismatches: number;
  firstMismatch: number; // -1 when equal
}

export interface GpuParityResult extends ParityCase {
  available: boolean;
  reason?: string;
  adapter?: string;
  /** GPU encryption vs TypeScript reference */
  encrypt?: Comparison;
  /** GPU decryption of the GPU ciphertext vs the plain batch */
  roundTrip?: Comparison;
  /** GPU decryption vs TypeScript reference decryption */
  decrypt?: Comparison;
  /** fraction of bytes that encryption changed (a kernel that copies would pass parity on a zero map only) */
  changedFraction?: number;
  /** the images given as an array of separate images gave the same bytes as one concatenated batch */
  arrayInputSame?: boolean;
  /** encryptToBuffer (result left on the GPU, images at imageStrideBytes) vs reference */
  toBuffer?: Comparison;
  /** the stride padding between images in that buffer is all zero (no image data in it) */
  paddingZero?: boolean;
}

async function readGpuBuffer(device: GPUDevice, buffer: GPUBuffer): Promise<Uint8Array> {
  const readback = device.createBuffer({ size: buffer.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, readback, 0, buffer.size);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const out = new Uint8Array(readback.getMappedRange()).slice();
  readback.destroy();
  return out;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): Comparison {
  let mismatches = Math.abs(a.length - b.length);
  let firstMismatch = a.length === b.length ? -1 : Math.min(a.length, b.length);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++)
    if (a[i] !== b[i]) {
      if (firstMismatch < 0 || i < firstMismatch) firstMismatch = i;
      mismatches++;
    }
  return { bytes: Math.max(a.length, b.length), mismatches, firstMismatch };
}

export function randomBatch(bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let at = 0; at < bytes; at += 65536) crypto.getRandomValues(out.subarray(at, Math.min(bytes, at + 65536)));
  return out;
}

export async function gpuParity(c: ParityCase): Promise<GpuParityResult> {
  let gpu;
  try {
    gpu = await createGpuBpe(undefined, { layout: c.layout ?? 'table' });
  } catch (err) {
    if (err instanceof WebGpuUnavailableError) return { ...c, available: false, reason: err.message };
    throw err;
  }
  try {
    const plan = await planForKey(await generateKey(), { imageSize: c.imageSize, blockSize: c.blockSize });
    const n = c.imageSize * c.imageSize * 3;
    const plain = randomBatch(n * c.batch);
    const reference = gather(plan, plain);
    const encrypted = await gpu.encryptBatch(plan, plain);
    const images = Array.from({ length: c.batch }, (_, k) => plain.subarray(k * n, (k + 1) * n));
    const fromArray = await gpu.encryptBatch(plan, images);
    const decrypted = await gpu.decryptBatch(plan, encrypted);
    const referenceDecrypt = gather(decryptionMap(plan), reference);
    let changed = 0;
    for (let i = 0; i < plain.length; i++) if (plain[i] !== encrypted[i]) changed++;
    const onGpu = gpu.encryptToBuffer(plan, plain);
    const strided = await readGpuBuffer(gpu.device, onGpu);
    onGpu.destroy();
    const stride = imageStrideBytes(plan);
    const unstrided = new Uint8Array(n * c.batch);
    let paddingZero = true;
    for (let k = 0; k < c.batch; k++) {
      unstrided.set(strided.subarray(k * stride, k * stride + n), k * n);
      for (let i = k * stride + n; i < (k + 1) * stride; i++) if (strided[i] !== 0) paddingZero = false;
    }
    return {
      ...c,
      available: true,
      adapter: gpu.adapter.label,
      encrypt: compareBytes(encrypted, reference),
      roundTrip: compareBytes(decrypted, plain),
      decrypt: compareBytes(decrypted, referenceDecrypt),
      changedFraction: changed / plain.length,
      arrayInputSame: compareBytes(fromArray, encrypted).mismatches === 0,
      toBuffer: compareBytes(unstrided, reference),
      paddingZero,
    };
  } finally {
    gpu.dispose();
  }
}

export interface VectorResult {
  name: string;
  plainSha256: string;
  encryptedSha256: string;
  roundTripExact: boolean;
}

/** The published bpe-v1 vectors, encrypted on the GPU. The caller compares against the JSON. */
export async function gpuTestVectors(
  layout: GpuPlanLayout = 'table',
): Promise<{ available: boolean; reason?: string; results: VectorResult[] }> {
  let gpu;
  try {
    gpu = await createGpuBpe(undefined, { layout });
  } catch (err) {
    if (err instanceof WebGpuUnavailableError) return { available: false, reason: err.message, results: [] };
    throw err;
  }
  try {
    const results: VectorResult[] = [];
    for (const v of BPE_TEST_VECTORS) {
      const plan = await planForKey(await keyFromBytes(fromHex(v.keyHex), 'imported'), {
        imageSize: v.imageSize,
        blockSize: v.blockSize,
      });
      const plain = testImage(v.imageSize);
      const encrypted = await gpu.encryptBatch(plan, plain);
      const back = await gpu.decryptBatch(plan, encrypted);
      results.push({
        name: v.name,
        plainSha256: await sha256Hex(plain),
        encryptedSha256: await sha256Hex(encrypted),
        roundTripExact: compareBytes(back, plain).mismatches === 0,
      });
    }
    return { available: true, results };
  } finally {
    gpu.dispose();
  }
}

export interface EngineParityResult {
  path: 'webgpu' | 'cpu';
  label: string;
  adapterInfo?: string;
  softwareAdapter: boolean;
  fallbackReason?: string;
  encrypt: Comparison;
  roundTrip: Comparison;
  vectors: { name: string; matches: boolean }[];
  /** plans kept after the run, after forgetPlans(), and whether encrypting again (re-uploading) gave the same bytes */
  plansKept: number;
  plansAfterForget: number;
  sameAfterForget: boolean;
}

/** What the app calls: the engine picks its path; its bytes must equal the reference either way. */
export async function engineParity(c: ParityCase & { allowSoftwareGpu?: boolean }): Promise<EngineParityResult> {
  const engine = await createBpeEngine({ preferGpu: true, allowSoftwareGpu: c.allowSoftwareGpu });
  try {
    const plan = await planForKey(await generateKey(), { imageSize: c.imageSize, blockSize: c.blockSize });
    const plain = randomBatch(c.imageSize * c.imageSize * 3 * c.batch);
    const encrypted = await engine.encrypt(plan, plain);
    const decrypted = await engine.decrypt(plan, encrypted);
    const vectors = [];
    for (const v of BPE_TEST_VECTORS) {
      const vPlan = await planForKey(await keyFromBytes(fromHex(v.keyHex), 'imported'), {
        imageSize: v.imageSize,
        blockSize: v.blockSize,
      });
      const out = await engine.encryptImage(vPlan, {
        width: v.imageSize,
        height: v.imageSize,
        data: testImage(v.imageSize),
      });
      vectors.push({ name: v.name, matches: (await sha256Hex(out.data)) === v.encryptedSha256 });
    }
    const plansKept = engine.cachedPlans();
    engine.forgetPlans();
    const plansAfterForget = engine.cachedPlans();
    const again = await engine.encrypt(plan, plain);
    return {
      plansKept,
      plansAfterForget,
      sameAfterForget: compareBytes(again, encrypted).mismatches === 0,
      path: engine.path,
      label: engine.label,
      adapterInfo: engine.adapterInfo,
      softwareAdapter: engine.softwareAdapter,
      fallbackReason: engine.fallbackReason,
      encrypt: compareBytes(encrypted, gather(plan, plain)),
      roundTrip: compareBytes(decrypted, plain),
      vectors,
    };
  } finally {
    engine.dispose();
  }
}
