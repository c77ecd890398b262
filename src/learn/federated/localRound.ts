/**
 * One client's part of a federated-averaging round, built from the training
 * pieces the central loop uses (src/learn/training: data.ts, trainingModel.ts,
 * step.ts, epoch.ts; docs/ARCHITECTURE.md, "Training"): take the server's
 * weights, train K local steps or one local epoch on the client's own data, and
 * hand back the new weights as plain named Float32Arrays; and the server's
 * average of the clients' weights, weighted by the images each trained on.
 *
 * Weights only cross this boundary, never images or block features, and this
 * module creates no tensors of its own (the training model owns them). The
 * frozen patch embedding is shared by construction and never averaged.
 */
import { epochDraws, stepsPerEpoch, type LocalData } from '../training/data';
import { runSteps } from '../training/epoch';
import type { TargetOptions } from '../training/step';
import type { NamedWeights, TrainingModel } from '../training/trainingModel';

export interface RoundOptions {
  /** the round number (1, 2, …): seeds this round's order and augmentation, as an epoch number does in the loop */
  round: number;
  seed: number;
  /** local steps; absent: one local epoch (every full batch once) */
  steps?: number;
  /** learning rate by optimizer step (step.ts learningRate, or a constant) */
  lrAt: (step: number) => number;
  targets: TargetOptions;
}

export interface ClientUpdate {
  weights: NamedWeights;
  /** images trained on this round: the client's weight in the average */
  images: number;
  /** mean training loss over the round */
  loss: number;
}

/** Start from `global`, train on `data`, return the client's weights (the model keeps its AdamW state). */
export function localRound(
  model: TrainingModel,
  data: LocalData,
  global: NamedWeights,
  opts: RoundOptions,
): ClientUpdate {
  model.setWeights(global);
  const epochSteps = stepsPerEpoch(data);
  const steps = Math.min(opts.steps ?? epochSteps, epochSteps);
  if (steps < 1) throw new Error(`a client needs at least one full batch of ${data.batch} images`);
  const draws = epochDraws(data.labels.length, opts.seed, opts.round);
  const totals = runSteps(model, data, draws, 0, steps, opts.lrAt, opts.targets);
  return { weights: model.getWeights(), images: totals.seen, loss: totals.lossSum / totals.seen };
}

/** FedAvg: the mean of the clients' weights, each weighted by the images it trained on. */
export function averageWeights(updates: Pick<ClientUpdate, 'weights' | 'images'>[]): NamedWeights {
  if (updates.length === 0) throw new Error('nothing to average');
  const total = updates.reduce((sum, u) => sum + u.images, 0);
  if (!(total > 0)) throw new Error('the clients trained on no images');
  const out: NamedWeights = {};
  for (const name of Object.keys(updates[0].weights)) {
    const length = updates[0].weights[name].length;
    // summed in float64, stored once as float32: the order of clients changes nothing visible
    const sum = new Float64Array(length);
    for (const u of updates) {
      const w = u.weights[name];
      if (!w || w.length !== length) throw new Error(`the clients disagree on ${name}`);
      for (let i = 0; i < length; i++) sum[i] += w[i] * u.images;
    }
    out[name] = Float32Array.from(sum, (s) => s / total);
  }
  return out;
}
