import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { dense, patchEmbed } from './ops';

describe('custom matMul gradients', () => {
  it('dense and patchEmbed gradients equal the reference matMul gradients', () => {
    const x = tf.randomUniform([2, 4, 6], 0, 255, 'float32', 1) as tf.Tensor3D;
    const w = tf.variable(tf.randomNormal([6, 5], 0, 1, 'float32', 2));
    const b = tf.variable(tf.randomNormal([5], 0, 1, 'float32', 3));
    const w2 = tf.variable(tf.randomNormal([5, 3], 0, 1, 'float32', 4));
    const loss = (fast: boolean) => () => {
      const h = fast
        ? dense(patchEmbed(x, 1, w, b), w2)
        : tf.matMul(tf.add(tf.matMul(tf.mul(x, 1 / 255).reshape([8, 6]), w), b), w2);
      return tf.sum(tf.square(h)) as tf.Scalar;
    };
    const a = tf.variableGrads(loss(true), [w, b, w2]);
    const r = tf.variableGrads(loss(false), [w, b, w2]);
    expect(a.value.dataSync()[0]).toBeCloseTo(r.value.dataSync()[0], 3);
    for (const v of [w, b, w2]) {
      const ga = a.grads[v.name].dataSync();
      const gr = r.grads[v.name].dataSync();
      gr.forEach((g, i) => expect(ga[i]).toBeCloseTo(g, 3));
    }
  });
});
