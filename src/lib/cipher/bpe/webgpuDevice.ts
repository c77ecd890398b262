/**
 * WebGPU device and adapter probing for the BPE host (webgpu.ts): whether the
 * runtime exposes WebGPU at all, one shared adapter + device per page, and a
 * readable summary of the adapter (software or hardware, for the UI and the
 * default invocation width).
 *
 * Uses only the browser WebGPU API (navigator.gpu) and imports cleanly in Node.
 * Must never create buffers or pipelines (webgpuPipeline.ts, webgpuPlanBuffers.ts
 * do), and never destroy the shared device: other users of the page hold it.
 */

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

/** A device the caller made (e.g. tfjs's): its adapter info where the browser has it, else a neutral label. */
export function summarizeCallerDevice(device: GPUDevice): GpuAdapterSummary {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return info
    ? summarizeAdapterInfo(info)
    : {
        vendor: '',
        architecture: '',
        device: '',
        description: '',
        software: false,
        label: 'WebGPU (caller-provided device)',
      };
}

export interface SharedDevice {
  device: GPUDevice;
  adapter: GpuAdapterSummary;
}

let sharedDevice: Promise<SharedDevice> | undefined;

/** Request the adapter and device once per page; later callers share them. */
export function requestSharedDevice(): Promise<SharedDevice> {
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
