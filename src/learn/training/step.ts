/**
 * One optimisation step on one batch: the targets (label smoothing, CutMix
 * shares, the teacher's hard labels or probabilities), the loss and its
 * gradients, one AdamW update, one weight-average update. Also the learning
 * rate schedule (warm-up, then cosine), which the step count alone decides.
 *
 * Every tensor a step creates is disposed before it returns, and it draws no
 * random numbers (data.ts draws the batch), so a federated client can call it
 * any number of times without changing what the loop computes.
 */
import * as tf from '@tensorflow/tfjs';
import type { DiagnosisModel } from '../../lib/models/model';
import { argmax } from '../evaluation/metrics';
import { mixedTargets } from './blockFeatures';
import type { Batch } from './data';
import type { TrainOptions } from './options';
import type { TrainingModel } from './trainingModel';

const NO_MIX = (n: number) => ({ partner: new Int32Array(n).fill(-1), share: new Float32Array(n) });

/** The learning rate at optimizer step `step` (0-based): linear warm-up, then a cosine to 0 at `totalSteps`. */
export function learningRate(
  opts: Pick<TrainOptions, 'lr' | 'warmupEpochs' | 'epochs'>,
  stepsPerEpoch: number,
): (step: number) => number {
  const totalSteps = stepsPerEpoch * opts.epochs;
  const warmup = Math.max(1, Math.round(stepsPerEpoch * opts.warmupEpochs));
  return (step: number) =>
    step < warmup
      ? (opts.lr * (step + 1)) / warmup
      : 0.5 * opts.lr * (1 + Math.cos((Math.PI * (step - warmup)) / Math.max(1, totalSteps - warmup)));
}

/** What the loss is made of, besides the batch. */
export interface TargetOptions {
  classes: number;
  labelSmoothing: number;
  teacher?: DiagnosisModel;
  /** weight of the teacher's targets (0 = no distillation) */
  distillWeight: number;
  distillTemperature?: number;
}

export interface StepResult {
  /** mean loss over the batch */
  loss: number;
  /** images whose dominant label (the partner's when CutMix pasted most of it) the model got right */
  correct: number;
  images: number;
}

/** One step at learning rate `lr` on `batch`. */
export function trainStep(model: TrainingModel, batch: Batch, lr: number, targets: TargetOptions): StepResult {
  const { rows, labels, tokens, mix } = batch;
  const K = targets.classes;
  const { teacher, distillWeight, labelSmoothing } = targets;
  const x = tf.tensor3d(tokens, batch.shape);
  let teacherLogits: tf.Tensor2D | undefined;
  if (teacher && distillWeight > 0) teacherLogits = teacher.embeddedLogits(x);
  const target = tf.tidy(() => {
    const t = tf.tensor2d(mixedTargets(labels, mix, K, labelSmoothing), [labels.length, K]);
    if (!teacherLogits) return t;
    const temperature = targets.distillTemperature ?? 0;
    // no mixing of the teacher's targets: the teacher saw the mixed image itself
    const fromTeacher =
      temperature > 0
        ? tf.softmax(tf.div(teacherLogits, temperature))
        : // the teacher's hard labels, smoothed the same way as the true ones
          tf.tensor2d(
            mixedTargets(
              (teacherLogits.arraySync() as number[][]).map(argmax),
              NO_MIX(labels.length),
              K,
              labelSmoothing,
            ),
            [labels.length, K],
          );
    return tf.add(tf.mul(t, 1 - distillWeight), tf.mul(fromTeacher, distillWeight));
  });
  teacherLogits?.dispose();
  const { vars, optimizer } = model;
  let logitsOut: number[][] = [];
  const { value, grads } = tf.variableGrads(() => {
    const logits = model.trunk(vars, x);
    logitsOut = logits.arraySync() as number[][];
    return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  }, Object.values(vars));
  // variableGrads names gradients by the variables' registered names (run/name): back to the weight names
  const nameOf = new Map(Object.entries(vars).map(([n, v]) => [v.name, n]));
  const named: Record<string, tf.Tensor> = {};
  for (const [vn, g] of Object.entries(grads)) named[nameOf.get(vn)!] = g;
  optimizer.apply(named, lr);
  model.average?.update(optimizer.step);
  const loss = value.dataSync()[0];
  let correct = 0;
  logitsOut.forEach((row, k) => {
    if (argmax(row) === (mix.share[k] > 0.5 ? labels[mix.partner[k]] : labels[k])) correct++;
  });
  tf.dispose([value, x, target, ...Object.values(grads)]);
  return { loss, correct, images: rows.length };
}
