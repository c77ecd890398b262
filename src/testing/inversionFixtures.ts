/**
 * Small synthetic stand-ins for the inversion attack tests: a ViT of the real
 * architecture at toy size (random weights, fixtureModel.ts `fixtureWeights`)
 * and smooth synthetic "scans" (no patient data). Never imported by product code.
 */
import type { VitConfig } from '../lib/models/config';
import type { HostWeights } from '../lib/models/init';
import type { RgbImage } from '../lib/image/rgb';
import { SeededRandom } from '../lib/random/seededRandom';
import { fixtureWeights } from './fixtureModel';

/** 20 x 20 input, 5 x 5 blocks (16 tokens of 75 values), width 24, one encoder block. */
export function tinyVitConfig(overrides: Partial<VitConfig> = {}): VitConfig {
  return {
    architecture: 'vit',
    imageSize: 20,
    patchSize: 5,
    inputCentre: 0.5,
    width: 24,
    depth: 1,
    heads: 2,
    mlpDim: 32,
    tokenMlpDim: 32,
    classes: ['a', 'b', 'c'],
    ...overrides,
  };
}

/**
 * Random weights; the token MLP's first layer scaled down so its pre-activations
 * stay above GELU's minimum (-0.75), as the shipped lung ViT's nearly all do
 * (the analytic gradient inversion is exact there; patchEmbeddingLeak.ts).
 */
export function tinyVitWeights(config: VitConfig, seed = 3): HostWeights {
  const host = fixtureWeights(config, seed);
  const w1 = host['token.w1'];
  if (w1) host['token.w1'] = { shape: w1.shape, data: w1.data.map((v) => v * 0.3) };
  return host;
}

/** A smooth blob pattern with some texture, different per seed. */
export function syntheticScan(size: number, seed: number): RgbImage {
  const rng = new SeededRandom(seed);
  const cx = size * (0.3 + 0.4 * rng.next());
  const cy = size * (0.3 + 0.4 * rng.next());
  const tint = [rng.next(), rng.next(), rng.next()];
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - cx, y - cy) / size;
      const v = Math.exp(-6 * r * r) * (0.8 + 0.2 * Math.sin((x + 2 * y) / 2));
      for (let c = 0; c < 3; c++)
        data[(y * size + x) * 3 + c] = Math.round(255 * (0.1 + 0.8 * v * (0.5 + 0.5 * tint[c])));
    }
  return { width: size, height: size, data };
}
