/**
 * Backend choice in Node: webgpu is not registered, webgl cannot start, wasm
 * starts and is timed, the pure-JS cpu backend is not needed — so wasm is chosen,
 * with each candidate's fate recorded, and the probe leaves no tensor behind.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
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
});
