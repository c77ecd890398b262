import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticScan } from '../../../testing/inversionFixtures';
import { leakageMetrics } from '../../metrics/leakage';
import { deepLeakage, tinyNetUpdate, tinyPatchNet } from './deepLeakage';

describe('deep leakage from gradients on a small model', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('lowers the gradient-matching loss, reads the label, and its image approaches the original', () => {
    const net = tinyPatchNet(4);
    const image = syntheticScan(32, 9);
    const update = tinyNetUpdate(net, image, 2);
    const before = tf.memory().numTensors;
    const short = deepLeakage(net, update, { iterations: 5 });
    const long = deepLeakage(net, update, { iterations: 300 });
    expect(tf.memory().numTensors).toBe(before);
    expect(long.label).toBe(2);
    expect(long.lossEnd).toBeLessThan(long.lossStart / 100);
    expect(long.lossEnd).toBeLessThan(short.lossEnd);
    const near = leakageMetrics(image, long.image);
    expect(near.ssim).toBeGreaterThan(leakageMetrics(image, short.image).ssim);
    expect(near.psnr).toBeGreaterThan(20);
  });

  it('matches the update it is given: the update of another image leads to that image', () => {
    const net = tinyPatchNet(4);
    const image = syntheticScan(32, 9);
    const other = syntheticScan(32, 10);
    const r = deepLeakage(net, tinyNetUpdate(net, other, 0), { iterations: 300 });
    expect(leakageMetrics(other, r.image).psnr).toBeGreaterThan(leakageMetrics(image, r.image).psnr);
  });
});
