/**
 * Encrypted image straight from the BPE kernel into the model, on WebGPU: the
 * BPE gather (src/lib/cipher/bpe/webgpu.ts, encryptToBuffer) runs on the tfjs webgpu
 * backend's own GPUDevice, a small kernel (bytesToFloats.wgsl) turns its packed
 * bytes into float32 values, and tfjs takes that buffer as a tensor
 * (`tf.tensor({ buffer }, shape)`, a GPU-side copy). The encrypted pixels never
 * come back to the CPU. Used only when inference runs on the webgpu backend.
 *
 * Must never: read the encrypted buffer back to the host, or log plans or pixels.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { compileShader, createGpuBpe, imageStrideBytes, type GpuBpe } from '../../lib/cipher/bpe/webgpu';
import type { BpePlan } from '../../lib/cipher/bpe/plan';
import { bpePlanOf } from '../../lib/cipher/bpe/protection';
import type { RgbImage } from '../../lib/image/rgb';
import { encryptOnCpu, type EncryptForModel } from '../../lib/diagnosis/session';

const WORKGROUP = 64; // @workgroup_size in bytesToFloats.wgsl

/** Encrypt on the GPU and hand tfjs a float tensor [1, S, S, 3] that never left the GPU. */
export async function createGpuInputPath(): Promise<{
  encrypt: (plan: BpePlan, plain: RgbImage) => tf.Tensor4D;
  upload: (plain: RgbImage) => tf.Tensor4D;
  bpe: GpuBpe;
}> {
  if (tf.getBackend() !== 'webgpu') throw new Error('the GPU input path needs the tfjs webgpu backend');
  const device = (tf.backend() as WebGPUBackend).device;
  const bpe = await createGpuBpe(device);
  const code = (await import('./bytesToFloats.wgsl?raw')).default;
  const module = await compileShader(device, 'bytesToFloats.wgsl', code);
  const pipeline = await device.createComputePipelineAsync({
    label: 'bytes to floats',
    layout: 'auto',
    compute: { module, entryPoint: 'unpackBytes' },
  });

  /** Packed bytes (image k at word k * strideWords) -> float tensor [1, S, S, 3] on the GPU. Destroys `packed`. */
  function unpackToTensor(packed: GPUBuffer, S: number, strideWords: number): tf.Tensor4D {
    const values = S * S * 3;
    const floats = device.createBuffer({
      label: 'encrypted model input',
      size: values * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const geometry = device.createBuffer({
      label: 'unpack geometry',
      size: 16,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(geometry, 0, new Uint32Array([values, strideWords, 1, 0]));
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: geometry } },
        { binding: 1, resource: { buffer: packed } },
        { binding: 2, resource: { buffer: floats } },
      ],
    });
    const encoder = device.createCommandEncoder({ label: 'unpack encrypted bytes' });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(values / WORKGROUP), 1, 1);
    pass.end();
    device.queue.submit([encoder.finish()]);
    // Not zero-copy: tfjs copies the buffer on the GPU, so ours can go as soon as the tensor exists.
    const tensor = tf.tensor({ buffer: floats }, [1, S, S, 3], 'float32') as tf.Tensor4D;
    packed.destroy();
    geometry.destroy();
    floats.destroy();
    return tensor;
  }

  function encrypt(plan: BpePlan, plain: RgbImage): tf.Tensor4D {
    return unpackToTensor(bpe.encryptToBuffer(plan, plain.data), plan.imageSize, imageStrideBytes(plan) / 4);
  }

  /**
   * The plain image as a GPU tensor: the same bytes-to-floats kernel as the
   * encrypted side, so both sides reach their model the same way and their
   * latencies compare fairly (and 4x fewer bytes cross to the GPU than a float upload).
   */
  function upload(plain: RgbImage): tf.Tensor4D {
    const S = plain.width;
    const bytes = S * S * 3;
    const words = Math.ceil(bytes / 4);
    const packed = device.createBuffer({
      label: 'plain model input bytes',
      size: words * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    const padded =
      bytes % 4 === 0
        ? plain.data
        : (() => {
            const p = new Uint8Array(words * 4);
            p.set(plain.data);
            return p;
          })();
    device.queue.writeBuffer(packed, 0, padded.buffer as ArrayBuffer, padded.byteOffset, words * 4);
    return unpackToTensor(packed, S, words);
  }
  return { encrypt, upload, bpe };
}

/** The session's GPU input path on WebGPU (encrypt + plain upload), or undefined (CPU) when it cannot start. */
export async function gpuInputPath(): Promise<
  | { encrypt: EncryptForModel; upload: (plain: RgbImage) => tf.Tensor4D; forgetPlans: () => void; dispose: () => void }
  | undefined
> {
  try {
    const path = await createGpuInputPath();
    return {
      // the GPU kernel is BPE's: another scheme's protected input takes the CPU path
      encrypt: async (protection, plain) => {
        const plan = bpePlanOf(protection);
        return plan ? { input: path.encrypt(plan, plain), path: 'gpu-buffer' } : encryptOnCpu(protection, plain);
      },
      upload: path.upload,
      forgetPlans: () => path.bpe.forgetPlans(),
      dispose: () => path.bpe.dispose(),
    };
  } catch {
    return undefined;
  }
}

/** The encryptor alone (benchmark). */
export async function gpuBufferEncryptor(): Promise<EncryptForModel | undefined> {
  return (await gpuInputPath())?.encrypt;
}
