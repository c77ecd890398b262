/** The moving average of the weights: its ramped decay, its resume from a saved average. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { WeightAverage } from './weightAverage';

describe('WeightAverage', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('starts at the weights, follows them with the ramped decay, caps at the given decay', () => {
    const p = tf.variable(tf.tensor1d([0, 10]));
    const average = new WeightAverage({ p }, 0.5);
    expect(Array.from(average.averaged.p.dataSync())).toEqual([0, 10]);
    p.assign(tf.tensor1d([11, 21]));
    average.update(1); // decay min(0.5, 2 / 11)
    const d1 = 2 / 11;
    expect(average.averaged.p.dataSync()[0]).toBeCloseTo(11 * (1 - d1), 5);
    p.assign(tf.tensor1d([0, 0]));
    average.update(100); // decay capped at 0.5
    expect(average.averaged.p.dataSync()[0]).toBeCloseTo(0.5 * 11 * (1 - d1), 5);
    average.dispose();
    p.dispose();
  });

  it('resumes from a saved average, not from the current weights', () => {
    const p = tf.variable(tf.tensor1d([1, 2]));
    const average = new WeightAverage({ p }, 0.9, { p: { data: new Float32Array([5, 6]), shape: [2] } });
    expect(Array.from(average.averaged.p.dataSync())).toEqual([5, 6]);
    average.dispose();
    p.dispose();
  });

  it('refuses a decay outside (0, 1)', () => {
    const p = tf.variable(tf.tensor1d([1]));
    expect(() => new WeightAverage({ p }, 1)).toThrow(/between 0 and 1/);
    p.dispose();
  });
});
