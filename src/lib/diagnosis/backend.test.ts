/**
 * Backend choice in Node: webgpu is not registered, webgl cannot start, wasm
 * starts and is timed, the pure-JS cpu backend is not needed — so wasm is chosen,
 * with each candidate's fate recorded, and the probe leaves no tensor behind.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selectInferenceBackend } from './backend';

describe('selectInferenceBackend (Node)', () => {
  it('probes what starts and picks the fastest; records why the others were not used', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const choice = await selectInferenceBackend({ preferGpu: true });
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const byName = Object.fromEntries(choice.probes.map((p) => [p.backend, p]));
    expect(byName.webgpu.started).toBe(false);
    expect(byName.webgl.started).toBe(false);
    expect(byName.wasm.started).toBe(true);
    expect(byName.wasm.ms).toBeGreaterThan(0);
    expect(byName.wasm.gflops).toBeGreaterThan(0);
    expect(byName.cpu).toEqual({ backend: 'cpu', started: false, note: 'not needed' });
    expect(choice.label).toContain('wasm');
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('with the GPU switched off, webgpu and webgl are not even tried; `only` forces one backend', async () => {
    const off = await selectInferenceBackend({ preferGpu: false });
    expect(off.probes.map((p) => p.backend)).toEqual(['wasm', 'cpu']);
    const forced = await selectInferenceBackend({ only: 'cpu' });
    expect(forced.backend).toBe('cpu');
    expect(forced.reason).toBe('asked for cpu');
    expect(tf.getBackend()).toBe('cpu');
    await expect(selectInferenceBackend({ only: 'webgpu' })).rejects.toThrow(/no tfjs backend could start/);
    await tf.setBackend('wasm');
  }, 60_000);

  describe('on a software GPU (SwiftShader)', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('tries it only after the others, does not load its code when another backend started, and says why', async () => {
      const adapter = { info: { vendor: 'google', architecture: 'swiftshader', device: '', description: '' } };
      vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => adapter } });
      const loadWebgpu = vi.fn(async () => undefined);
      const choice = await selectInferenceBackend({ preferGpu: true }, { webgpu: loadWebgpu });
      expect(choice.backend).toBe('wasm');
      expect(choice.webgpuAdapter?.software).toBe(true);
      expect(choice.probes.map((p) => p.backend)).toEqual(['webgl', 'wasm', 'webgpu', 'cpu']);
      expect(choice.probes.find((p) => p.backend === 'webgpu')).toMatchObject({
        started: false,
        note: expect.stringContaining('software'),
      });
      expect(loadWebgpu).not.toHaveBeenCalled();
      // forced, it is tried (the e2e test of the GPU-buffer path asks for it): its code is loaded first
      await selectInferenceBackend({ only: 'webgpu' }, { webgpu: loadWebgpu }).catch(() => undefined);
      expect(loadWebgpu).toHaveBeenCalledTimes(1);
      await tf.setBackend('wasm');
    }, 60_000);

    it('a software WebGL renderer (ANGLE on SwiftShader) is a last resort too', async () => {
      const renderer = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)';
      const gl = { RENDERER: 1, getExtension: () => null, getParameter: () => renderer };
      vi.stubGlobal(
        'OffscreenCanvas',
        class {
          getContext() {
            return gl;
          }
        },
      );
      const choice = await selectInferenceBackend({ preferGpu: true });
      expect(choice.backend).toBe('wasm');
      expect(choice.probes.map((p) => p.backend)).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
      expect(choice.probes.find((p) => p.backend === 'webgl')).toMatchObject({
        started: false,
        note: expect.stringContaining('SwiftShader'),
      });
    }, 60_000);
  });
});
