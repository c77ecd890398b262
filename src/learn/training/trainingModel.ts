/**
 * The state a trainer holds on the tensor side: the trainable weights as
 * tf.Variables, the AdamW moments, the optional weight average, and the frozen
 * patch embedding on the host. The loop (trainer.ts) and a federated round
 * (src/learn/federated/) both build one with createTrainingModel and read or
 * write its weights as plain named Float32Arrays (getWeights / setWeights), so
 * a server can sum and average them without tfjs.
 *
 * It owns every tensor it creates: dispose() releases all of them, and no
 * method here may leave a tensor behind (trainer.test.ts counts them across a
 * run and a resume). It never reads or writes files (checkpoint.ts does).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../lib/models/config';
import { cnnTrunk } from '../../lib/models/cnn';
import type { HostWeights } from '../../lib/models/init';
import type { Weights } from '../../lib/models/ops';
import { vitTrunk } from '../../lib/models/vit';
import { AdamW } from './adamw';
import { WeightAverage } from './weightAverage';
import type { CheckpointParts } from './checkpoint';
import { FROZEN } from './startWeights';

/** Trainable weights by name, flat float32 (the shapes are the model's; see TrainingModel.shapes). */
export type NamedWeights = Record<string, Float32Array>;

export interface TrainingModel {
  config: ModelConfig;
  vars: Record<string, tf.Variable>;
  /** the patch embedding, never trained */
  frozen: HostWeights;
  optimizer: AdamW;
  average?: WeightAverage;
  /** what validation scores and the release ships: the average where one is kept, else the raw weights */
  evaluated: Record<string, tf.Variable>;
  /** logits of the trunk on embedded tokens [n, T, D] with the given weights */
  trunk(w: Weights, x: tf.Tensor3D): tf.Tensor2D;
  /** shape of each trainable weight */
  shapes(): Record<string, number[]>;
  /** the trainable (raw) weights, copied to the host */
  getWeights(): NamedWeights;
  /**
   * Overwrites trainable weights by name (names not given keep their value;
   * a wrong length throws). The AdamW moments and any weight average are left
   * as they are: a federated client keeps its own optimizer state between rounds.
   */
  setWeights(weights: NamedWeights): void;
  /** every weight (raw, with the frozen embedding) as host tensors: the checkpoint's `weights` */
  hostWeights(): HostWeights;
  /** the evaluated weights with the frozen embedding: what `best` records */
  hostEvaluated(): HostWeights;
  /** the checkpoint parts of this state, with the given best weights */
  checkpointParts(best: HostWeights): CheckpointParts;
  /** AdamW moments and step from a checkpoint (names the checkpoint lacks keep their zero start) */
  restoreMoments(m: HostWeights, v: HostWeights, step: number): void;
  dispose(): void;
}

export function toHost(vars: Record<string, tf.Tensor>): HostWeights {
  const out: HostWeights = {};
  for (const [name, t] of Object.entries(vars))
    out[name] = { shape: t.shape.slice(), data: t.dataSync() as Float32Array };
  return out;
}

export interface TrainingModelOptions {
  /** prefixes the variables' names: tfjs registers them globally, so two models in one process need two runs */
  run: string;
  weightDecay: number;
  /** decay of the weight average (weightAverage.ts); 0 or absent: none */
  weightAverage?: number;
  /** a resumed run's saved average */
  savedAverage?: HostWeights;
}

/** `start`: every weight, frozen ones included (they stay on the host). */
export function createTrainingModel(
  config: ModelConfig,
  start: HostWeights,
  frozen: HostWeights,
  opts: TrainingModelOptions,
): TrainingModel {
  const vars: Record<string, tf.Variable> = {};
  // tidy: a variable shares its initial tensor's data, and that tensor must not stay behind
  for (const [name, t] of Object.entries(start))
    if (!FROZEN.has(name))
      vars[name] = tf.tidy(() => tf.variable(tf.tensor(t.data, t.shape), true, `${opts.run}/${name}`));
  const optimizer = new AdamW(vars, {
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: opts.weightDecay,
    clipNorm: 1,
  });
  const average = opts.weightAverage ? new WeightAverage(vars, opts.weightAverage, opts.savedAverage) : undefined;
  const evaluated = average?.averaged ?? vars;
  const withFrozen = (host: HostWeights): HostWeights => ({ ...host, ...frozen });
  return {
    config,
    vars,
    frozen,
    optimizer,
    average,
    evaluated,
    trunk: (w, x) => (config.architecture === 'vit' ? vitTrunk(config, w, x) : cnnTrunk(config, w, x)).logits,
    shapes: () => Object.fromEntries(Object.entries(vars).map(([name, v]) => [name, v.shape.slice()])),
    getWeights: () =>
      Object.fromEntries(Object.entries(vars).map(([name, v]) => [name, Float32Array.from(v.dataSync())])),
    setWeights(weights) {
      for (const [name, data] of Object.entries(weights)) {
        const v = vars[name];
        if (!v) throw new Error(`no trainable weight named ${name}`);
        if (data.length !== v.size) throw new Error(`${name}: ${data.length} values for a weight of ${v.size}`);
        // assign() keeps the tensor it was given alive unless tidied
        tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
      }
    },
    hostWeights: () => withFrozen(toHost(vars)),
    hostEvaluated: () => withFrozen(toHost(evaluated)),
    checkpointParts: (best) => ({
      weights: withFrozen(toHost(vars)),
      m: toHost(optimizer.m),
      v: toHost(optimizer.v),
      best,
      ...(average ? { average: toHost(average.averaged) } : {}),
    }),
    restoreMoments(m, v, step) {
      for (const name of Object.keys(vars)) {
        if (!m[name]) continue;
        // assign() shares the tensor's data and leaves the tensor itself alive: it must be disposed here (it was not,
        // which kept two tensors per variable for the whole run after a resume)
        tf.tidy(() => {
          optimizer.m[name].assign(tf.tensor(m[name].data, m[name].shape));
          optimizer.v[name].assign(tf.tensor(v[name].data, v[name].shape));
        });
      }
      optimizer.step = step;
    },
    dispose() {
      tf.dispose([...Object.values(vars), ...Object.values(optimizer.m), ...Object.values(optimizer.v)]);
      average?.dispose();
    },
  };
}
