/**
 * AdamW over named tf.Variables, with global-norm gradient clipping. Written here
 * (not tf.train.adam) so its moments are plain named tensors that checkpoints can
 * save and `--resume` can restore exactly, and so weight decay is decoupled.
 */
import * as tf from '@tensorflow/tfjs';
import { isRelativeBiasTable } from '../../lib/models/relativeBias';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  clipNorm: number;
}

export class AdamW {
  readonly m: Record<string, tf.Variable> = {};
  readonly v: Record<string, tf.Variable> = {};
  step = 0;
  constructor(
    private readonly params: Record<string, tf.Variable>,
    private readonly opts: AdamWOptions,
  ) {
    // tidy: a variable shares its initial tensor's data, and that tensor must not stay behind
    for (const [name, p] of Object.entries(params)) {
      this.m[name] = tf.tidy(() => tf.variable(tf.zerosLike(p), false));
      this.v[name] = tf.tidy(() => tf.variable(tf.zerosLike(p), false));
    }
  }

  /** Decay only matrices (not biases, norms, embeddings of size 1-D, position tables). */
  private decays(name: string): boolean {
    return this.params[name].rank >= 2 && name !== 'pos' && !isRelativeBiasTable(name);
  }

  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    this.step++;
    const { beta1, beta2, eps, weightDecay, clipNorm } = this.opts;
    tf.tidy(() => {
      const sq = Object.values(grads).map((g) => tf.sum(tf.square(g)));
      const norm = Math.sqrt(tf.addN(sq).dataSync()[0]);
      const clip = norm > clipNorm ? clipNorm / norm : 1;
      const bc1 = 1 - beta1 ** this.step;
      const bc2 = 1 - beta2 ** this.step;
      for (const [name, p] of Object.entries(this.params)) {
        const g0 = grads[name];
        if (!g0) continue;
        const g = clip === 1 ? g0 : tf.mul(g0, clip);
        const m = tf.add(tf.mul(this.m[name], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[name], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[name].assign(m);
        this.v[name].assign(v);
        let update: tf.Tensor = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), eps));
        if (this.decays(name)) update = tf.add(update, tf.mul(p, weightDecay));
        p.assign(tf.sub(p, tf.mul(update, lr)));
      }
    });
  }
}
