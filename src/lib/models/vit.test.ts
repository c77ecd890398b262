/**
 * The attention's q/k/v blocks cut at load (vit.ts attentionProjections, used by
 * model.ts createModel) are the column blocks of the fused qkv projection, and a
 * pass with them gives the same outputs as a pass that cuts the fused weight itself
 * (training's path, where qkv.w is a variable); a built model then holds the blocks
 * only, not the fused weights too.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultVitConfig, type VitConfig } from './config';
import { ModelRandom, truncNormal, type HostWeights } from './init';
import { createModel } from './model';
import type { Weights } from './ops';
import { attentionProjections, initVit, vitForward } from './vit';

const cfg: VitConfig = { ...defaultVitConfig(['a', 'b']), depth: 2 };

/** initVit's weights with every tensor random (zero biases / head would hide a swapped block). */
function randomHost(): HostWeights {
  const rng = new ModelRandom(7);
  const host: HostWeights = {};
  for (const [name, t] of Object.entries(initVit(cfg, 3))) host[name] = truncNormal(rng, t.shape, 0.3);
  return host;
}

const tensors = (host: HostWeights): Weights =>
  Object.fromEntries(Object.entries(host).map(([name, t]) => [name, tf.tensor(t.data, t.shape)]));

describe('attention q/k/v projections cut at load', () => {
  it('are the column blocks q | k | v of qkv.w and qkv.b', () => {
    const host = randomHost();
    const cut = attentionProjections(cfg, host);
    const D = cfg.width;
    for (let l = 0; l < cfg.depth; l++) {
      const [w, b] = [host[`block${l}.qkv.w`], host[`block${l}.qkv.b`]];
      ['q', 'k', 'v'].forEach((part, i) => {
        const cw = cut[`block${l}.attn.${part}.w`];
        expect(cw.shape).toEqual([D, D]);
        for (const [r, c] of [
          [0, 0],
          [D - 1, D - 1],
          [5, 17],
          [D - 2, 3],
        ])
          expect(cw.data[r * D + c]).toBe(w.data[r * 3 * D + i * D + c]);
        expect(Array.from(cut[`block${l}.attn.${part}.b`].data)).toEqual(Array.from(b.data.slice(i * D, (i + 1) * D)));
      });
    }
  });

  it('give the outputs of the pass that cuts the fused weight itself', () => {
    const host = randomHost();
    const fused = tensors(host);
    const withCut = { ...fused, ...tensors(attentionProjections(cfg, host)) };
    const side = cfg.imageSize;
    const images = tf.randomUniform([2, side, side, 3], 0, 255, 'float32', 5) as tf.Tensor4D;
    const [a, b] = [vitForward(cfg, withCut, images), vitForward(cfg, fused, images)];
    for (const key of ['logits', 'features', 'domainFeatures'] as const) {
      const [x, y] = [a[key].dataSync(), b[key].dataSync()];
      x.forEach((v, i) => expect(Math.abs(v - y[i])).toBeLessThan(1e-5));
    }
    expect(Math.max(...Array.from(a.logits.dataSync()).map(Math.abs))).toBeGreaterThan(1e-3);
    tf.dispose([images, ...Object.values(withCut)]);
  });

  it('leave a built model holding the blocks, and no tensor of the fused qkv.w / qkv.b', () => {
    // no relative bias, no view ensemble: the model's tensors are its weights, once each
    const before = tf.memory();
    const model = createModel(cfg, randomHost());
    const held = tf.memory();
    // the blocks hold the fused projection's numbers, so the weights are stored once: 4 bytes per parameter
    expect(held.numBytes - before.numBytes).toBe(4 * model.parameters);
    // the q, k, v tensors (6 per block) stand in for qkv.w and qkv.b (2 per block)
    expect(held.numTensors - before.numTensors).toBe(Object.keys(initVit(cfg, 3)).length + 4 * cfg.depth);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
  });
});
