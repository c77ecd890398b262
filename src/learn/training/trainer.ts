/**
 * Training loop for the two diagnosis models on plain images (the key never
 * enters training: adaptation is done afterwards). The patch embedding is set by
 * PCA whitening of training blocks and kept fixed; the rest of the model trains
 * on precomputed block features with exact flip/shift/intensity augmentation
 * (blockFeatures.ts). Seeded shuffling and augmentation (per epoch, so --resume
 * reproduces the run), AdamW with warm-up + cosine schedule, label smoothing,
 * optional distillation from a trained teacher on the same features (its hard
 * labels, DeiT-style, or its probabilities), an optional start of the per-token
 * stem from a trained model's (hybrid ViT) or of a deeper ViT from all of a
 * trained one's weights (grown), a checkpoint per epoch (a resume with another
 * --epochs re-plans the cosine, recorded), best-on-validation weights kept. The test
 * split is never touched here; see release.ts.
 *
 * This module only composes the pieces a federated round also calls (see
 * docs/ARCHITECTURE.md, "Training"): data.ts (split, epoch draws, batches),
 * startWeights.ts, trainingModel.ts (variables, optimizer, weights in and out),
 * step.ts, epoch.ts, validation.ts and checkpoint.ts. It must never draw random
 * numbers or create tensors itself, so a resume reproduces the run.
 */
import * as tf from '@tensorflow/tfjs';
import { defaultCnnConfig, defaultVitConfig, embedWidth, type ModelConfig } from '../../lib/models/config';
import { effectiveEmbedding } from '../../lib/models/embedding';
import { initCnn } from '../../lib/models/cnn';
import type { HostWeights } from '../../lib/models/init';
import type { DiagnosisModel } from '../../lib/models/model';
import { initVit } from '../../lib/models/vit';
import type { ImageSet } from '../evaluation/batchPredict';
import { buildFeatureBank, VARIANTS } from './blockFeatures';
import { loadCheckpoint, saveCheckpoint, type TrainState } from './checkpoint';
import { splitData, stepsPerEpoch, type LocalData } from './data';
import { fmt, progressLine, runEpoch } from './epoch';
import type { TrainOptions, TrainResult, ViewSelection } from './options';
import { sameEmbedding, startingWeights } from './startWeights';
import { learningRate, type TargetOptions } from './step';
import { createTrainingModel } from './trainingModel';
import { candidateViews, chooseViews, ensembleIsBetter, validate, validationBanks } from './validation';

export type { TrainOptions, TrainResult, ViewSelection } from './options';

export async function train(
  input: ImageSet,
  opts: TrainOptions,
  log: (line: string) => void,
  teacher?: DiagnosisModel,
): Promise<TrainResult> {
  const base = opts.architecture === 'vit' ? defaultVitConfig(input.classes) : defaultCnnConfig(input.classes);
  const config = { ...base, ...(opts.configOverrides ?? {}), classes: input.classes } as ModelConfig;
  const { set, trainIdx, valIdx } = splitData(input, opts, log);
  const init = config.architecture === 'vit' ? initVit(config, opts.seed) : initCnn(config, opts.seed);
  const checkpoint = opts.resume ? await loadCheckpoint(opts.checkpointDir) : undefined;
  if (checkpoint && !checkpoint.state.options.allLabelled !== !opts.allLabelled)
    throw new Error(
      `the checkpoint in ${opts.checkpointDir} was trained on ${checkpoint.state.options.allLabelled ? 'all labelled data' : 'Training alone'}, this run on ${opts.allLabelled ? 'all labelled data' : 'Training alone'}: resume with the same data, or use another --name`,
    );
  const groupsOf = (g: { sha256?: string } | undefined) => (g ? `groups sha256 ${g.sha256}` : 'per image');
  const savedGroups = checkpoint?.state.options.validationGroups as { sha256?: string } | undefined;
  if (checkpoint && groupsOf(savedGroups) !== groupsOf(opts.validationGroups))
    throw new Error(
      `the checkpoint in ${opts.checkpointDir} drew its validation split ${groupsOf(savedGroups)}, this run ${groupsOf(opts.validationGroups)}: resume with the same --groups file, or use another --name`,
    );
  const centre = config.inputCentre ?? 0;
  const { start, frozen, addedBlocks } = startingWeights(
    config,
    { set, trainIdx },
    checkpoint?.parts.weights ?? init,
    !!checkpoint,
    opts,
    log,
  );
  const embedding = effectiveEmbedding(frozen['patch.w'], frozen['patch.scale']);
  const model = createTrainingModel(config, start, frozen, {
    run: opts.run,
    weightDecay: opts.weightDecay,
    weightAverage: opts.weightAverage,
    savedAverage: checkpoint?.parts.average,
  });
  const { average } = model;
  if (average && checkpoint && !checkpoint.parts.average)
    log(`${opts.run}: the checkpoint holds no weight average; it starts from the resumed weights`);
  if (!average && checkpoint?.parts.average)
    log(
      `${opts.run}: the checkpoint keeps a weight average but this resume does not ask for one (--weight-average): the raw weights are validated from here on`,
    );
  let best: HostWeights = checkpoint?.parts.best ?? model.hostEvaluated();
  const state: TrainState = checkpoint?.state ?? {
    run: opts.run,
    completedEpochs: 0,
    optimizerStep: 0,
    bestEpoch: 0,
    bestValAccuracy: -1,
    history: [],
    trainSeconds: 0,
    options: {
      ...opts,
      checkpointDir: undefined,
      poison: opts.poison ? { kind: opts.poison.kind, fraction: opts.poison.fraction } : undefined,
      stemFrom: opts.stemFrom ? { label: opts.stemFrom.label } : undefined,
      growFrom: opts.growFrom ? { label: opts.growFrom.label, addedBlocks } : undefined,
      validationGroups: opts.validationGroups
        ? { file: opts.validationGroups.file, sha256: opts.validationGroups.sha256 }
        : undefined,
    },
  };
  if (checkpoint) {
    model.restoreMoments(checkpoint.parts.m, checkpoint.parts.v, state.optimizerStep);
    log(
      `resuming ${opts.run} after epoch ${state.completedEpochs}/${opts.epochs} (best val ${(state.bestValAccuracy * 100).toFixed(2)} % at epoch ${state.bestEpoch})`,
    );
  }
  log(
    `${opts.run}: ${config.architecture} ${JSON.stringify({ ...config, classes: undefined })}; ${trainIdx.length} train / ${valIdx.length} validation images; batch ${opts.batch}; ${opts.epochs} epochs${teacher ? '; distilling from teacher' : ''}`,
  );

  const steps = stepsPerEpoch({ labels: trainIdx, batch: opts.batch });
  const lrAt = learningRate(opts, steps);
  const planned = state.options.epochs;
  if (checkpoint && typeof planned === 'number' && planned !== opts.epochs && opts.epochs > state.completedEpochs) {
    const lr = lrAt(state.optimizerStep);
    state.scheduleExtensions = [
      ...(state.scheduleExtensions ?? []),
      { afterEpoch: state.completedEpochs, fromEpochs: planned, toEpochs: opts.epochs, lr },
    ];
    state.options = { ...state.options, epochs: opts.epochs };
    log(
      `${opts.run}: schedule ${opts.epochs > planned ? 'extended' : 'shortened'} from ${planned} to ${opts.epochs} epochs; the cosine now runs over ${opts.epochs}, so the learning rate is ${lr.toExponential(2)} at epoch ${state.completedEpochs + 1}`,
    );
  }
  const variants = opts.augmentation === 'none' ? 1 : Math.max(1, opts.variants ?? VARIANTS);
  if (state.completedEpochs >= opts.epochs) {
    log(`${opts.run}: all ${opts.epochs} epochs done already; releasing the best weights`);
    model.dispose();
    return finish(config, best, state, set, trainIdx, valIdx, opts, log);
  }
  const tb = Date.now();
  const bank = await buildFeatureBank(
    set.pixels,
    trainIdx,
    set.size,
    config.patchSize,
    centre,
    embedding,
    frozen['patch.b'],
    opts.augmentation,
    variants,
    log,
  );
  const jointViews = opts.jointViewSelection ? candidateViews(opts.augmentation) : undefined;
  const valBanks = await validationBanks(set, valIdx, config, embedding, frozen['patch.b'], jointViews, log);
  const valLabels = valIdx.map((i) => set.labels[i]);
  log(
    `block features of ${trainIdx.length} x ${variants} training and ${valIdx.length} x ${valBanks.length} validation images in ${((Date.now() - tb) / 1000).toFixed(0)} s`,
  );
  if (teacher && embedWidth(teacher.config) !== bank.width)
    throw new Error('the teacher must use the same patch-embedding width as the student (shared block features)');
  if (teacher && !sameEmbedding(teacher, frozen))
    throw new Error(
      'the teacher was trained on another patch embedding (seed, split or width differ): its logits on these block features would be meaningless',
    );
  const data: LocalData = {
    bank,
    labels: trainIdx.map((i) => set.labels[i]),
    batch: opts.batch,
    augmentation: opts.augmentation,
    cutMix: opts.cutMix ?? 0,
  };
  const targets: TargetOptions = {
    classes: set.classes.length,
    labelSmoothing: opts.labelSmoothing,
    teacher,
    distillWeight: opts.distillWeight,
    distillTemperature: opts.distillTemperature,
  };

  for (let epoch = state.completedEpochs + 1; epoch <= opts.epochs; epoch++) {
    const t0 = Date.now();
    const { lossSum, correct, seen, lr } = runEpoch(model, data, opts.seed, epoch, lrAt, targets, (totals) =>
      log(progressLine(opts.run, epoch, opts.epochs, totals, (Date.now() - t0) / 1000)),
    );
    // validation on un-augmented images: one view, and (jointViews) the test-time view ensemble = mean logits over the views
    const { single, ensemble } = validate(model, valBanks, valLabels, jointViews);
    const valAccuracy = single.accuracy;
    const seconds = (Date.now() - t0) / 1000;
    state.history.push({
      epoch,
      trainLoss: lossSum / seen,
      trainAccuracy: correct / seen,
      valAccuracy,
      valLoss: single.logLoss,
      ...(ensemble ? { valEnsemble: ensemble } : {}),
      seconds,
      lr,
    });
    state.completedEpochs = epoch;
    state.optimizerStep = model.optimizer.step;
    state.trainSeconds += seconds;
    // the epoch and the views are chosen together: views only where they beat one view at that epoch
    const useViews = !!ensemble && ensembleIsBetter(ensemble, single);
    const score = useViews ? ensemble! : single;
    if (score.accuracy >= state.bestValAccuracy) {
      state.bestValAccuracy = score.accuracy;
      state.bestEpoch = epoch;
      if (jointViews && ensemble)
        state.bestViews = { candidate: jointViews, chosen: useViews ? jointViews : null, single, ensemble };
      best = model.hostEvaluated();
    }
    log(
      `${opts.run} epoch ${epoch}/${opts.epochs} done in ${fmt(seconds)}: train loss ${(lossSum / seen).toFixed(4)} acc ${((correct / seen) * 100).toFixed(2)}% | val acc ${(valAccuracy * 100).toFixed(2)}% loss ${single.logLoss.toFixed(4)}${ensemble ? ` | views "${jointViews}" ${(ensemble.accuracy * 100).toFixed(2)}% loss ${ensemble.logLoss.toFixed(4)}` : ''} | best ${(state.bestValAccuracy * 100).toFixed(2)}% (epoch ${state.bestEpoch}${state.bestViews?.chosen ? `, views` : ''}) | tensors ${tf.memory().numTensors}`,
    );
    await saveCheckpoint(opts.checkpointDir, config, state, model.checkpointParts(best));
  }
  model.dispose();
  return finish(config, best, state, set, trainIdx, valIdx, opts, log);
}

async function finish(
  config: ModelConfig,
  best: HostWeights,
  state: TrainState,
  set: ImageSet,
  trainIdx: number[],
  valIdx: number[],
  opts: TrainOptions,
  log: (line: string) => void,
): Promise<TrainResult> {
  const joint = state.bestViews;
  const viewSelection: ViewSelection | undefined = joint
    ? { ...joint }
    : await chooseViews(config, best, set, valIdx, opts.augmentation, log);
  if (joint)
    log(
      `views chosen with the epoch (${state.bestEpoch}) on validation: "${joint.candidate}" ${(joint.ensemble.accuracy * 100).toFixed(2)} % vs one view ${(joint.single.accuracy * 100).toFixed(2)} %: ${joint.chosen ? 'kept' : 'not kept'}`,
    );
  const chosen = { ...config, ...(viewSelection?.chosen ? { viewEnsemble: viewSelection.chosen } : {}) } as ModelConfig;
  return { config: chosen, viewSelection, best, state, split: { train: trainIdx.length, val: valIdx.length } };
}
