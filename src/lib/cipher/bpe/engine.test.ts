import { describe, expect, it } from 'vitest';
import { generateKey } from '../../keys/key';
import { gather } from './bpe';
import { createBpeEngine } from './engine';
import { planForKey } from './plan';
import { testImage } from '../../../testing/bpeTestVectors';
import { createGpuBpe, imageStrideBytes, WebGpuUnavailableError, webGpuExposed } from './webgpu';

// Node has no WebGPU: the GPU module must import and say so; the engine must take the CPU path.
describe('BPE engine in Node', () => {
  it('reports WebGPU as unavailable with a reason, not a crash', async () => {
    expect(webGpuExposed()).toBe(false);
    await expect(createGpuBpe()).rejects.toBeInstanceOf(WebGpuUnavailableError);
  });

  it('falls back to the CPU reference and gives its bytes, for batches given either way', async () => {
    const engine = await createBpeEngine();
    expect(engine.path).toBe('cpu');
    expect(engine.label).toBe('CPU (TypeScript reference)');
    expect(engine.fallbackReason).toMatch(/no navigator\.gpu/);
    const plan = await planForKey(await generateKey(), { imageSize: 30, blockSize: 5 });
    const a = testImage(30);
    const b = a.map((v) => v ^ 0x5a);
    const both = new Uint8Array(a.length * 2);
    both.set(a);
    both.set(b, a.length);
    const expected = gather(plan, both);
    expect(await engine.encrypt(plan, [a, b])).toEqual(expected);
    expect(await engine.encrypt(plan, both)).toEqual(expected);
    expect(await engine.decrypt(plan, expected)).toEqual(both);
    const image = await engine.encryptImage(plan, { width: 30, height: 30, data: a });
    expect(image.data).toEqual(expected.subarray(0, a.length));
    await expect(engine.encryptImage(plan, { width: 20, height: 20, data: new Uint8Array(1200) })).rejects.toThrow(
      /30x30/,
    );
  });

  it('preferGpu: false forces the CPU path', async () => {
    const engine = await createBpeEngine({ preferGpu: false });
    expect(engine.path).toBe('cpu');
  });

  it('GPU image stride is whole groups of 4 pixels', () => {
    expect(imageStrideBytes({ imageSize: 200 })).toBe(200 * 200 * 3);
    expect(imageStrideBytes({ imageSize: 25 })).toBe(157 * 12);
  });
});
