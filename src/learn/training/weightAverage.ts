/**
 * An exponential moving average of the trained weights (Polyak averaging). Late
 * in training each step still moves the weights by a noisy amount; the average
 * over the last few hundred steps sits nearer the middle of the region they
 * wander in, and often generalises better than the last step. Validation and
 * the released model then use the average; the optimizer keeps stepping the
 * raw weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { HostWeights } from '../../lib/models/init';

export class WeightAverage {
  readonly averaged: Record<string, tf.Variable> = {};

  /** `from`: a resumed run's saved average; otherwise the average starts at the current weights. */
  constructor(
    private readonly params: Record<string, tf.Variable>,
    readonly decay: number,
    from?: HostWeights,
  ) {
    if (!(decay > 0 && decay < 1)) throw new Error(`the weight-average decay must lie between 0 and 1 (got ${decay})`);
    for (const [name, p] of Object.entries(params)) {
      const saved = from?.[name];
      // tidy: the variable keeps the data; the tensor it was made from must not stay behind
      this.averaged[name] = tf.tidy(() => tf.variable(saved ? tf.tensor(saved.data, saved.shape) : p.clone(), false));
    }
  }

  /**
   * After optimizer step `step` (1, 2, …). The decay ramps up as (1 + step) / (10 + step)
   * until it reaches `decay`, so the average does not stay anchored to the start
   * weights (the usual warm-up of such averages, e.g. TensorFlow's num_updates).
   */
  update(step: number): void {
    const d = Math.min(this.decay, (1 + step) / (10 + step));
    tf.tidy(() => {
      for (const [name, p] of Object.entries(this.params))
        this.averaged[name].assign(tf.add(tf.mul(this.averaged[name], d), tf.mul(p, 1 - d)));
    });
  }

  dispose(): void {
    tf.dispose(Object.values(this.averaged));
  }
}
