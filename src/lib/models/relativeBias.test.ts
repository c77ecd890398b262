/**
 * The ViT's relative-position bias: the training form (one-hot product over the
 * table) and the inference form (host-built matrix per branch) agree, the bias
 * changes the model's output, gradients reach the table on the wasm backend, and
 * permuting slots permutes the matrix.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultVitConfig, type VitConfig } from './config';
import { ModelRandom, truncNormal, type HostWeights } from './init';
import { createModel } from './model';
import { biasesFromTables, biasMatrix, initRelativeBias, offsetCount } from './relativeBias';
import { initVit, vitTrunk } from './vit';

const side = 8;
const T = side * side;

describe('relative-position attention bias', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('starts as distance penalties: head 0 flat, later heads steeper', () => {
    const table = initRelativeBias(4, side);
    const m = biasMatrix(
      table,
      Array.from({ length: T }, (_, j) => j),
      side,
    );
    const at = (h: number, i: number, j: number) => m.data[h * 65 * 65 + (i + 1) * 65 + (j + 1)];
    expect(at(0, 0, 63)).toBe(0);
    expect(at(3, 0, 0)).toBe(0);
    expect(at(3, 0, 1)).toBeCloseTo(-1, 6); // one cell away, slope 1
    expect(at(1, 0, 9)).toBeCloseTo(-Math.SQRT2 / 4, 6);
    // the class token's row and column carry no bias
    for (let j = 0; j < 65; j++) expect(m.data[3 * 65 * 65 + j]).toBe(0);
  });

  it('training form equals the host-built matrix, and gradients reach the table', () => {
    const rng = new ModelRandom(5);
    const table = truncNormal(rng, [3, offsetCount(side)], 1);
    const host = biasMatrix(
      table,
      Array.from({ length: T }, (_, j) => j),
      side,
    );
    const t = tf.tensor(table.data, table.shape);
    const [fromTable] = biasesFromTables([t], side);
    expect(fromTable.shape).toEqual(host.shape);
    const diff = Math.max(...Array.from(fromTable.dataSync(), (v, i) => Math.abs(v - host.data[i])));
    expect(diff).toBe(0);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(biasesFromTables([x], side)[0])))(t);
    // d/dtable of sum(bias^2) = 2 * table * (number of slot pairs with that offset): non-zero where the table is
    expect(Math.max(...Array.from(g.dataSync(), Math.abs))).toBeGreaterThan(0);
    tf.dispose([t, fromTable, g]);
  });

  it('a slot permutation permutes rows and columns exactly', () => {
    const table = truncNormal(new ModelRandom(9), [2, offsetCount(side)], 1);
    const perm = Array.from({ length: T }, (_, j) => j);
    new ModelRandom(3).shuffle(perm);
    const plain = biasMatrix(
      table,
      Array.from({ length: T }, (_, j) => j),
      side,
    );
    const moved = biasMatrix(table, perm, side);
    for (let h = 0; h < 2; h++) {
      for (let i = 0; i < T; i++) {
        for (let j = 0; j < T; j++) {
          expect(moved.data[h * 65 * 65 + (i + 1) * 65 + j + 1]).toBe(
            plain.data[h * 65 * 65 + (perm[i] + 1) * 65 + perm[j] + 1],
          );
        }
      }
    }
  });

  it('the model (precomputed bias) equals the training trunk (bias from the table), and the bias matters', () => {
    const cfg: VitConfig = { ...defaultVitConfig(['a', 'b', 'c']), depth: 2, relativeBias: true };
    const rng = new ModelRandom(11);
    const host: HostWeights = {};
    for (const [name, t] of Object.entries(initVit(cfg, 1)))
      host[name] = name.endsWith('.g') ? t : truncNormal(rng, t.shape, 0.2);
    const model = createModel(cfg, host);
    const tokens = tf.randomNormal([2, T, cfg.width], 0, 1, 'float32', 4) as tf.Tensor3D;
    const viaModel = model.embeddedLogits(tokens);
    const weights: Record<string, tf.Tensor> = {};
    for (const [name, t] of Object.entries(host)) weights[name] = tf.tensor(t.data, t.shape);
    const viaTrunk = tf.tidy(() => vitTrunk(cfg, weights, tokens).logits);
    const noBias = tf.tidy(() => vitTrunk({ ...cfg, relativeBias: false }, weights, tokens).logits);
    const a = viaModel.dataSync();
    const b = viaTrunk.dataSync();
    const c = noBias.dataSync();
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-5);
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - c[i])))).toBeGreaterThan(1e-2);
    tf.dispose([tokens, viaModel, viaTrunk, noBias, ...Object.values(weights)]);
    model.dispose();
  });
});
