import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultVitConfig } from './config';
import { decodeFloat16, encodeFloat16, fromFloat16Bits, toFloat16Bits } from './float16';
import { blockOrderIndex } from '../protection/protectedInput';
import { patchify } from './ops';
import { load } from './model';
import { serializeModel, deserializeWeights, MANIFEST_FILE } from './weightsFile';
import { initVit } from './vit';

describe('float16 weights', () => {
  it('round-trips exactly representable values and rounds others to nearest', () => {
    for (const v of [0, 1, -2, 0.5, 65504, -(2 ** -14), 3 * 2 ** -20, 2 ** -24])
      expect(fromFloat16Bits(toFloat16Bits(v))).toBe(v);
    const xs = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
    const back = decodeFloat16(encodeFloat16(xs));
    xs.forEach((x, i) => expect(Math.abs(back[i] - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 1e-7));
  });

  it('a serialized model loads through the fetch-style loader with the same weights', async () => {
    const cfg = { ...defaultVitConfig(['x', 'y']), depth: 1 };
    const host = initVit(cfg, 5);
    const { manifest, bytes } = serializeModel(cfg, host, 'float32');
    const files: Record<string, Uint8Array> = {
      [MANIFEST_FILE]: new TextEncoder().encode(JSON.stringify(manifest)),
      'weights.bin': bytes,
    };
    const progress: number[] = [];
    const model = await load({ loader: async (f) => files[f] }, { onProgress: (p) => progress.push(p) });
    expect(progress.at(-1)).toBe(1);
    expect(model.config).toEqual(cfg);
    const back = deserializeWeights(manifest, bytes);
    expect(Array.from(back['pos'].data)).toEqual(Array.from(host['pos'].data));
    model.dispose();
  });

  it('a float16 file keeps the exact embedding exact: integer weights, float32 scales and bias', () => {
    const cfg = { ...defaultVitConfig(['x', 'y']), depth: 1, exactEmbedding: true, embedDim: 64, stemMlpDim: 16 };
    const host = initVit(cfg, 6);
    const { manifest, bytes } = serializeModel(cfg, host, 'float16');
    const back = deserializeWeights(manifest, bytes);
    expect(
      manifest.weights
        .filter((e) => e.dtype === 'float32')
        .map((e) => e.name)
        .sort(),
    ).toEqual(['patch.b', 'patch.scale']);
    for (const name of ['patch.w', 'patch.scale', 'patch.b'])
      expect(Array.from(back[name].data)).toEqual(Array.from(host[name].data));
    expect(back['stem.proj.w'].data.length).toBe(64 * cfg.width);
  });
});

describe('host-side block order', () => {
  it('matches patchify element for element', () => {
    const S = 50,
      B = 25;
    const img = Float32Array.from({ length: S * S * 3 }, (_, i) => i);
    const viaTf = patchify(tf.tensor4d(img, [1, S, S, 3]), B).dataSync();
    const order = blockOrderIndex(S, B);
    expect(Array.from(order, (k) => img[k])).toEqual(Array.from(viaTf));
  });
});
