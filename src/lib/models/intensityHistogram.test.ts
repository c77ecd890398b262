/**
 * The guard's intensity histogram: the tensor version (what the model appends to
 * its guard features) equals the host reference, on images and on the block
 * layout; it is exactly the same for an image and its BPE encryption under a
 * random key (the property the guard's encrypted verdict rests on); and it
 * shows the peaks of a flat drawing that a noisy image does not have.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptImage } from '../cipher/bpe/bpe';
import { planForKey } from '../cipher/bpe/plan';
import { bpeProtectedInput } from '../cipher/bpe/protection';
import { toModelInput } from '../image/resize';
import type { RgbImage } from '../image/rgb';
import { generateKey } from '../keys/key';
import { brainPhantom } from '../samples/phantom';
import { seededUniform } from '../random/seededRandom';
import { INTENSITY_BINS, intensityHistogram, intensityHistogramTensor } from './intensityHistogram';
import { plainBlockLayout, toBlockTensor } from './blockInput';

function noisy(seed: number): RgbImage {
  const rand = seededUniform(seed);
  const data = new Uint8Array(200 * 200 * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
  return { width: 200, height: 200, data };
}

async function tensorHistograms(t: tf.Tensor3D | tf.Tensor4D): Promise<Float32Array[]> {
  const h = intensityHistogramTensor(t);
  const v = (await h.data()) as Float32Array;
  h.dispose();
  return Array.from({ length: t.shape[0] }, (_, i) => v.slice(i * INTENSITY_BINS, (i + 1) * INTENSITY_BINS));
}

describe('intensity histogram', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it('host and tensor versions agree on images and blocks, and shares sum to 1', async () => {
    const images = [toModelInput(brainPhantom({ seed: 2 }), 200), noisy(7)];
    const host = images.map((im) => intensityHistogram(im.data));
    const asImages = tf.tensor4d(Float32Array.from([...images[0].data, ...images[1].data]), [2, 200, 200, 3]);
    const asBlocks = toBlockTensor(images, plainBlockLayout(200, 25), 25);
    for (const t of [asImages, asBlocks]) {
      const got = await tensorHistograms(t);
      got.forEach((h, i) => expect(Array.from(h)).toEqual(Array.from(host[i])));
      t.dispose();
    }
    for (const h of host) expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // byte 0 and byte 255 both fold to |2v - 255| = 255, the last bin; 127 and 128 to 1, the first
    expect(Array.from(intensityHistogram(Uint8Array.from([0, 255, 127, 128])))).toEqual([
      0.5,
      ...new Array<number>(INTENSITY_BINS - 2).fill(0),
      0.5,
    ]);
  });

  it('is exactly unchanged by block-pixel encryption under a random key', async () => {
    const key = await generateKey();
    const plan = await planForKey(key);
    const images = [
      toModelInput(brainPhantom({ seed: 4, lesion: 0.2 }), 200),
      toModelInput(brainPhantom({ seed: 6, t2: true }), 200),
      noisy(3),
    ];
    const encrypted = images.map((im) => encryptImage(plan, im));
    expect(encrypted[0].data).not.toEqual(images[0].data);
    for (let i = 0; i < images.length; i++)
      expect(Array.from(intensityHistogram(encrypted[i].data))).toEqual(Array.from(intensityHistogram(images[i].data)));
    // and the tensor the adapted model receives (the encrypted token layout, read from the plain bytes)
    const tokens = toBlockTensor(images, bpeProtectedInput(plan).tokenLayout(), 25);
    const got = await tensorHistograms(tokens);
    tokens.dispose();
    got.forEach((h, i) => expect(Array.from(h)).toEqual(Array.from(intensityHistogram(images[i].data))));
  });

  it('sees the narrow peaks and troughs of a flat drawing', () => {
    // largest |log share - mean log share of its two neighbours|: peaks at the phantom's few tissue levels
    const roughness = (h: Float32Array) => {
      const l = Array.from(h, (v) => Math.log(v + 1e-4));
      return Math.max(...l.slice(1, -1).map((v, i) => Math.abs(v - (l[i] + l[i + 2]) / 2)));
    };
    const phantom = roughness(intensityHistogram(toModelInput(brainPhantom({ seed: 1 }), 200).data));
    const noise = roughness(intensityHistogram(noisy(1).data));
    expect(noise).toBeLessThan(0.1);
    expect(phantom).toBeGreaterThan(1);
  });
});
