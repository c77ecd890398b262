/** Model discovery must list exactly the folders whose manifest parses, and treat an HTML fallback as missing. */
import { describe, expect, it } from 'vitest';
import { fixtureModelFiles } from '../../testing/fixtureModel';
import { discoverModels } from './registry';
import { pickFastest } from './backend';

describe('discoverModels', () => {
  it('keeps the models whose model.json is a CipherScan manifest of the right architecture', async () => {
    const vit = fixtureModelFiles('vit', 1, { depth: 1 });
    const cnn = fixtureModelFiles('cnn', 2, { depth: 1 });
    const served: Record<string, string> = {
      '/app/models/vit-brain-mri/model.json': vit.manifestText,
      '/app/models/cnn-lung-histopathology/model.json': cnn.manifestText,
      '/app/models/cnn-brain-mri/model.json': '<!doctype html><title>index</title>', // dev-server fallback
      '/app/models/vit-lung-histopathology/model.json': cnn.manifestText, // wrong architecture for the name
    };
    const asked: string[] = [];
    const fetcher = async (url: string) => {
      asked.push(url);
      const path = new URL(url).pathname;
      const body = served[path];
      return { ok: body !== undefined, status: body !== undefined ? 200 : 404, text: async () => body ?? '' };
    };
    const models = await discoverModels('http://localhost/app/', fetcher);
    expect(models.map((m) => m.name).sort()).toEqual(['cnn-lung-histopathology', 'vit-brain-mri']);
    const v = models.find((m) => m.name === 'vit-brain-mri')!;
    expect(v.url).toBe('http://localhost/app/models/vit-brain-mri/');
    expect(v.classes).toEqual(vit.manifest.config.classes);
    expect(v.weightsBytes).toBe(vit.weights.length);
    expect(asked.every((u) => u.startsWith('http://localhost/app/models/'))).toBe(true);
  });
});

describe('pickFastest', () => {
  it('takes the fastest started backend; near-ties go to the earlier one in webgpu, webgl, wasm, cpu', () => {
    expect(
      pickFastest([
        { backend: 'webgpu', started: true, ms: 60 },
        { backend: 'webgl', started: true, ms: 15 },
        { backend: 'wasm', started: true, ms: 2 },
      ])?.backend,
    ).toBe('wasm');
    expect(
      pickFastest([
        { backend: 'webgpu', started: true, ms: 2.1 },
        { backend: 'wasm', started: true, ms: 2.0 },
      ])?.backend,
    ).toBe('webgpu');
    expect(
      pickFastest([
        { backend: 'webgpu', started: false },
        { backend: 'wasm', started: true, ms: 5 },
      ])?.backend,
    ).toBe('wasm');
    expect(pickFastest([{ backend: 'cpu', started: true }])?.backend).toBe('cpu');
    expect(pickFastest([{ backend: 'webgl', started: false }])).toBeUndefined();
  });
});
