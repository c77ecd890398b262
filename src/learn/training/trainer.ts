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
 */
import * as tf from '@tensorflow/tfjs';
import { defaultCnnConfig, defaultVitConfig, embedWidth, type ModelConfig } from '../../lib/models/config';
import { effectiveEmbedding, toExactEmbedding } from '../../lib/models/embedding';
import { cnnTrunk, initCnn } from '../../lib/models/cnn';
import { ModelRandom, type HostWeights } from '../../lib/models/init';
import type { DiagnosisModel } from '../../lib/models/model';
import type { Weights } from '../../lib/models/ops';
import { vitTrunk, initVit } from '../../lib/models/vit';
import { argmax } from '../evaluation/metrics';
import { predictSet, type ImageSet } from '../evaluation/batchPredict';
import { createModel } from '../../lib/models/model';
import { viewImage, viewNames, type ViewEnsemble } from '../../lib/models/views';
import { AdamW } from './adamw';
import { WeightAverage } from './weightAverage';
import type { AugmentationKind } from './augment';
import {
  blockCutMix,
  buildFeatureBank,
  embeddedBatch,
  mixedTargets,
  VARIANTS,
  type FeatureBank,
} from './blockFeatures';
import { centringBias, whitenedPatchEmbedding } from './whitenInit';
import { loadCheckpoint, saveCheckpoint, type TrainState, type ValScore } from './checkpoint';
import { stratifiedSplit } from './dataset';
import type { BpePlan } from '../../lib/cipher/bpe/plan';
import { decryptImage, encryptImage } from '../../lib/cipher/bpe/bpe';
import { bitFlipAttack } from '../../lib/attacks/bitFlip';
import { gaussianNoiseAttack } from '../../lib/attacks/gaussianNoise';

export interface TrainOptions {
  run: string;
  architecture: 'vit' | 'cnn';
  epochs: number;
  batch: number;
  seed: number;
  lr: number;
  weightDecay: number;
  warmupEpochs: number;
  labelSmoothing: number;
  valFraction: number;
  augmentation: AugmentationKind;
  checkpointDir: string;
  resume: boolean;
  /** weight of the teacher's targets (hard labels or probabilities) in the loss (0..1) */
  distillWeight: number;
  /**
   * 0 (default): distil the teacher's hard labels (DeiT). T > 0: its class
   * probabilities softmax(logits / T), which also say how close the other
   * classes were, more signal per step for a student that underfits.
   */
  distillTemperature?: number;
  /** probability of block-level CutMix per training image (0 = off; blockFeatures.ts) */
  cutMix?: number;
  /**
   * Score the test-time view ensemble on validation every epoch and choose the
   * epoch and the views together (otherwise: the epoch by one view, the views
   * afterwards for that epoch).
   */
  jointViewSelection?: boolean;
  /** geometric variants per training image in the feature bank (4 fixed, more are random affine; blockFeatures.ts) */
  variants?: number;
  configOverrides?: Partial<ModelConfig>;
  /** use only this many training images (smoke tests) */
  limit?: number;
  /**
   * Training-time poisoning study: this share of the training images is
   * encrypted with a run key, attacked in the encrypted domain (bit 7 flipped /
   * N(0, 20) added on 10 % of its values), and decrypted again, which is what
   * training on encrypted images with poisoned members amounts to.
   */
  poison?: { kind: 'bit-flip' | 'gaussian'; fraction: number; plan: BpePlan };
  /**
   * Start the per-token stem from a trained model's stem (a hybrid ViT: the
   * tokens begin as the Masked-CNN's learned block features, and training only
   * has to learn how attention mixes them). The source must share the fixed
   * patch embedding (same seed, split and width) and the stem's shapes; the
   * stem trains on from there. A stem acts on one block at a time, so key
   * adaptation is unchanged.
   */
  stemFrom?: { weights: HostWeights; label: string };
  /**
   * Start from every weight of a trained ViT of the same width (a deeper model
   * grown from a shallower one): the blocks past the source's depth start with
   * zero residual outputs, so the grown model begins as the source, computing
   * the same logits. Same fixed patch embedding required, as for stemFrom.
   */
  growFrom?: { weights: HostWeights; label: string };
  /**
   * Keep an exponential moving average of the weights with this decay per step
   * (e.g. 0.998: about the last 500 steps) and validate and release the average
   * instead of the last step's weights (weightAverage.ts). 0 or absent: off.
   */
  weightAverage?: number;
}

export interface ViewSelection {
  candidate: ViewEnsemble;
  single: { accuracy: number; logLoss: number };
  ensemble: { accuracy: number; logLoss: number };
  chosen: ViewEnsemble | null;
}

export interface TrainResult {
  config: ModelConfig;
  /** the test-time view ensemble, chosen on the validation split (never the test split) */
  viewSelection?: ViewSelection;
  best: HostWeights;
  state: TrainState;
  split: { train: number; val: number };
}

function toHost(vars: Record<string, tf.Tensor>): HostWeights {
  const out: HostWeights = {};
  for (const [name, t] of Object.entries(vars))
    out[name] = { shape: t.shape.slice(), data: t.dataSync() as Float32Array };
  return out;
}

const NO_MIX = (n: number) => ({ partner: new Int32Array(n).fill(-1), share: new Float32Array(n) });

/** Distillation shares block features: the teacher's fixed embedding must be the student's. */
function sameEmbedding(teacher: DiagnosisModel, frozen: HostWeights): boolean {
  return sameWeights(teacher.hostKeyed['patch.w'], frozen['patch.w']);
}

/** Same weights up to float16 storage (a released model's against this run's). */
function sameWeights(tw: HostWeights[string] | undefined, sw: HostWeights[string]): boolean {
  if (!tw || tw.data.length !== sw.data.length) return false;
  // float16 storage: exact integers stay exact, float weights agree to ~1e-3
  for (let i = 0; i < sw.data.length; i++)
    if (Math.abs(tw.data[i] - sw.data[i]) > 1e-3 * Math.max(1, Math.abs(sw.data[i]))) return false;
  return true;
}

/**
 * Copies the named weights of a trained model into `start`: only meaningful on
 * the same fixed patch embedding, and only where the shapes agree (`what` names
 * the source in errors, `sameFlags` the options to match).
 */
function copyWeights(
  source: HostWeights,
  frozen: HostWeights,
  start: HostWeights,
  names: string[],
  what: string,
  sameFlags: string,
): void {
  if (!sameWeights(source['patch.w'], frozen['patch.w']))
    throw new Error(
      `${what} was trained on another patch embedding (seed, split or width differ): its weights would see other features`,
    );
  for (const name of names) {
    const from = source[name];
    if (!from || from.shape.join() !== start[name].shape.join()) {
      throw new Error(
        `${what} has ${name} [${from?.shape.join(', ') ?? 'missing'}], this model [${start[name].shape.join(', ')}]: use the same ${sameFlags}`,
      );
    }
    start[name] = { shape: from.shape.slice(), data: Float32Array.from(from.data) };
  }
}

/** The hybrid start: every `stem.*` weight from a trained model. */
function copyStem(source: HostWeights, frozen: HostWeights, start: HostWeights): void {
  const names = Object.keys(start).filter((n) => n.startsWith('stem.'));
  if (names.length === 0) throw new Error('this model has no per-token stem to initialise (set --embed)');
  copyWeights(source, frozen, start, names, 'the stem source', 'width, embed and stem-mlp');
}

/** Weights that write into a block's residual stream: zero makes the block an identity. */
const RESIDUAL_OUTPUTS = ['proj.w', 'proj.b', 'mlp.w2', 'mlp.b2'];
const blockOf = (name: string) => /^(block\d+)\./.exec(name)?.[1];

/**
 * Growing: every weight of a trained ViT; the blocks it lacks keep their fresh
 * weights but write nothing to the residual stream yet. Returns how many blocks were new.
 */
function copyGrown(source: HostWeights, frozen: HostWeights, start: HostWeights): number {
  const sourceBlocks = new Set(Object.keys(source).map(blockOf));
  const isNew = (name: string) => blockOf(name) !== undefined && !sourceBlocks.has(blockOf(name));
  const names = Object.keys(start).filter((n) => !n.startsWith('patch.'));
  copyWeights(
    source,
    frozen,
    start,
    names.filter((n) => !isNew(n)),
    'the model to grow from',
    'width, heads, MLP, embed and stem-mlp',
  );
  const added = names.filter(isNew);
  for (const name of added)
    if (RESIDUAL_OUTPUTS.some((r) => name === `${blockOf(name)}.${r}`))
      start[name] = { shape: start[name].shape.slice(), data: new Float32Array(start[name].data.length) };
  return new Set(added.map(blockOf)).size;
}

function fmt(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? h + 'h' : ''}${String(m).padStart(h ? 2 : 1, '0')}m${String(s % 60).padStart(2, '0')}s`;
}

export async function train(
  input: ImageSet,
  opts: TrainOptions,
  log: (line: string) => void,
  teacher?: DiagnosisModel,
): Promise<TrainResult> {
  let set = input;
  const base = opts.architecture === 'vit' ? defaultVitConfig(set.classes) : defaultCnnConfig(set.classes);
  const config = { ...base, ...(opts.configOverrides ?? {}), classes: set.classes } as ModelConfig;
  const splitRng = new ModelRandom(opts.seed);
  let { train: trainIdx, val: valIdx } = stratifiedSplit(set.labels, opts.valFraction, (a) => splitRng.shuffle(a));
  if (opts.limit) {
    const pick = new ModelRandom(opts.seed + 1);
    pick.shuffle(trainIdx);
    trainIdx = trainIdx.slice(0, opts.limit);
    valIdx = valIdx.slice(0, Math.max(8, Math.round(opts.limit * opts.valFraction)));
  }
  if (opts.poison) {
    const { kind, fraction, plan } = opts.poison;
    const victims = trainIdx.slice();
    new ModelRandom(opts.seed + 77).shuffle(victims);
    const chosen = victims.slice(0, Math.round(fraction * trainIdx.length));
    const per = set.size * set.size * 3;
    const pixels = set.pixels.slice();
    for (const id of chosen) {
      const encrypted = encryptImage(plan, {
        width: set.size,
        height: set.size,
        data: pixels.slice(id * per, (id + 1) * per),
      });
      const attacked =
        kind === 'bit-flip'
          ? bitFlipAttack(encrypted, { bit: 7, fraction: 0.1, seed: id })
          : gaussianNoiseAttack(encrypted, { mu: 0, sigma: 20, fraction: 0.1, seed: id });
      pixels.set(decryptImage(plan, attacked).data, id * per);
    }
    set = { ...set, pixels };
    log(`poisoned ${chosen.length} of ${trainIdx.length} training images (${kind} in the encrypted domain)`);
  }
  const init = config.architecture === 'vit' ? initVit(config, opts.seed) : initCnn(config, opts.seed);
  const checkpoint = opts.resume ? await loadCheckpoint(opts.checkpointDir) : undefined;
  const start = checkpoint?.parts.weights ?? init;
  const centre = config.inputCentre ?? 0;
  if (!checkpoint) {
    const t0 = Date.now();
    const E = embedWidth(config);
    const { w, b, mean } = whitenedPatchEmbedding(
      set.pixels,
      trainIdx,
      set.size,
      config.patchSize,
      centre,
      E,
      opts.seed,
      Math.max(8192, 4 * E * 8),
    );
    if (config.exactEmbedding) {
      const exact = toExactEmbedding(w);
      start['patch.w'] = exact.w;
      start['patch.scale'] = exact.scale;
      start['patch.b'] = centringBias(mean, effectiveEmbedding(exact.w, exact.scale));
    } else {
      start['patch.w'] = w;
      start['patch.b'] = b;
    }
    log(
      `patch embedding: PCA whitening (${E} components) of training blocks (${((Date.now() - t0) / 1000).toFixed(0)} s)${config.exactEmbedding ? ', exact integer form' : ''}, fixed from here on`,
    );
  }
  const FROZEN = new Set(['patch.w', 'patch.b', 'patch.scale']);
  const frozen: HostWeights = { 'patch.w': start['patch.w'], 'patch.b': start['patch.b'] };
  if (start['patch.scale']) frozen['patch.scale'] = start['patch.scale'];
  if (opts.growFrom && opts.stemFrom) throw new Error('grow from a model or start its stem from one, not both');
  if (opts.growFrom && config.architecture !== 'vit')
    throw new Error('only a ViT can be grown from another (--grow-from)');
  let addedBlocks: number | undefined;
  if (opts.growFrom && !checkpoint) {
    addedBlocks = copyGrown(opts.growFrom.weights, frozen, start);
    log(
      `grown from ${opts.growFrom.label}: every weight copied, ${addedBlocks} new block${addedBlocks === 1 ? '' : 's'} starting as identities`,
    );
  }
  if (opts.stemFrom && !checkpoint) {
    copyStem(opts.stemFrom.weights, frozen, start);
    log(`per-token stem initialised from ${opts.stemFrom.label}`);
  }
  const embedding = effectiveEmbedding(frozen['patch.w'], frozen['patch.scale']);
  const vars: Record<string, tf.Variable> = {};
  // tidy: a variable shares its initial tensor's data, and that tensor must not stay behind
  for (const [name, t] of Object.entries(start))
    if (!FROZEN.has(name))
      vars[name] = tf.tidy(() => tf.variable(tf.tensor(t.data, t.shape), true, `${opts.run}/${name}`));
  const withFrozen = (host: HostWeights): HostWeights => ({ ...host, ...frozen });
  const optimizer = new AdamW(vars, {
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: opts.weightDecay,
    clipNorm: 1,
  });
  const average = opts.weightAverage
    ? new WeightAverage(vars, opts.weightAverage, checkpoint?.parts.average)
    : undefined;
  if (average && checkpoint && !checkpoint.parts.average)
    log(`${opts.run}: the checkpoint holds no weight average; it starts from the resumed weights`);
  if (!average && checkpoint?.parts.average)
    log(
      `${opts.run}: the checkpoint keeps a weight average but this resume does not ask for one (--weight-average): the raw weights are validated from here on`,
    );
  // what validation scores and the release ships: the average where one is kept
  const evaluated = average?.averaged ?? vars;
  const disposeTraining = () => {
    tf.dispose([...Object.values(vars), ...Object.values(optimizer.m), ...Object.values(optimizer.v)]);
    average?.dispose();
  };
  let best: HostWeights = checkpoint?.parts.best ?? withFrozen(toHost(evaluated));
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
    },
  };
  if (checkpoint) {
    for (const name of Object.keys(vars)) {
      if (!checkpoint.parts.m[name]) continue;
      // assign() shares the tensor's data and leaves the tensor itself alive: it must be disposed here (it was not,
      // which kept two tensors per variable for the whole run after a resume)
      tf.tidy(() => {
        optimizer.m[name].assign(tf.tensor(checkpoint.parts.m[name].data, checkpoint.parts.m[name].shape));
        optimizer.v[name].assign(tf.tensor(checkpoint.parts.v[name].data, checkpoint.parts.v[name].shape));
      });
    }
    optimizer.step = state.optimizerStep;
    log(
      `resuming ${opts.run} after epoch ${state.completedEpochs}/${opts.epochs} (best val ${(state.bestValAccuracy * 100).toFixed(2)} % at epoch ${state.bestEpoch})`,
    );
  }
  log(
    `${opts.run}: ${config.architecture} ${JSON.stringify({ ...config, classes: undefined })}; ${trainIdx.length} train / ${valIdx.length} validation images; batch ${opts.batch}; ${opts.epochs} epochs${teacher ? '; distilling from teacher' : ''}`,
  );

  const K = set.classes.length;
  const stepsPerEpoch = Math.floor(trainIdx.length / opts.batch);
  const totalSteps = stepsPerEpoch * opts.epochs;
  const warmup = Math.max(1, Math.round(stepsPerEpoch * opts.warmupEpochs));
  const lrAt = (step: number) =>
    step < warmup
      ? (opts.lr * (step + 1)) / warmup
      : 0.5 * opts.lr * (1 + Math.cos((Math.PI * (step - warmup)) / Math.max(1, totalSteps - warmup)));
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
  const trunk = (w: Weights, x: tf.Tensor3D) =>
    (config.architecture === 'vit' ? vitTrunk(config, w, x) : cnnTrunk(config, w, x)).logits;
  const varList = Object.values(vars);
  const nameOf = new Map(Object.entries(vars).map(([n, v]) => [v.name, n]));
  const variants = opts.augmentation === 'none' ? 1 : Math.max(1, opts.variants ?? VARIANTS);
  if (state.completedEpochs >= opts.epochs) {
    log(`${opts.run}: all ${opts.epochs} epochs done already; releasing the best weights`);
    disposeTraining();
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
  // validation banks: the images, then (joint view selection) each further view of them
  const jointViews = opts.jointViewSelection ? candidateViews(opts.augmentation) : undefined;
  const valBanks = [];
  for (const view of viewNames(jointViews)) {
    const pixels = view === 'identity' ? set.pixels : viewedPixels(set.pixels, valIdx, set.size, view);
    const ids = view === 'identity' ? valIdx : valIdx.map((_, k) => k);
    valBanks.push(
      await buildFeatureBank(
        pixels,
        ids,
        set.size,
        config.patchSize,
        centre,
        embedding,
        frozen['patch.b'],
        'none',
        1,
        log,
      ),
    );
  }
  const valLabels = valIdx.map((i) => set.labels[i]);
  log(
    `block features of ${trainIdx.length} x ${variants} training and ${valIdx.length} x ${valBanks.length} validation images in ${((Date.now() - tb) / 1000).toFixed(0)} s`,
  );
  const T = bank.tokens;
  const D = bank.width;
  const validationLogits = (valBank: FeatureBank): number[][] => {
    const out: number[][] = [];
    for (let v0 = 0; v0 < valIdx.length; v0 += 64) {
      const rows = Array.from({ length: Math.min(64, valIdx.length - v0) }, (_, k) => v0 + k);
      const l = tf.tidy(() =>
        trunk(evaluated, tf.tensor3d(embeddedBatch(valBank, rows, undefined, 'none'), [rows.length, T, D])),
      );
      out.push(...(l.arraySync() as number[][]));
      l.dispose();
    }
    return out;
  };
  if (teacher && embedWidth(teacher.config) !== D)
    throw new Error('the teacher must use the same patch-embedding width as the student (shared block features)');
  if (teacher && !sameEmbedding(teacher, frozen))
    throw new Error(
      'the teacher was trained on another patch embedding (seed, split or width differ): its logits on these block features would be meaningless',
    );

  for (let epoch = state.completedEpochs + 1; epoch <= opts.epochs; epoch++) {
    const t0 = Date.now();
    const order = trainIdx.map((_, k) => k);
    new ModelRandom(opts.seed * 1009 + epoch).shuffle(order);
    const augRng = new ModelRandom(opts.seed * 7919 + epoch);
    const mixRng = new ModelRandom(opts.seed * 104729 + epoch);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let lr = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      const rows = order.slice(s * opts.batch, (s + 1) * opts.batch);
      const labels = rows.map((r) => set.labels[trainIdx[r]]);
      const tokens = embeddedBatch(bank, rows, augRng, opts.augmentation);
      const mix = blockCutMix(tokens, rows.length, Math.round(Math.sqrt(T)), D, mixRng, opts.cutMix ?? 0);
      const x = tf.tensor3d(tokens, [rows.length, T, D]);
      let teacherLogits: tf.Tensor2D | undefined;
      if (teacher && opts.distillWeight > 0) teacherLogits = teacher.embeddedLogits(x);
      const target = tf.tidy(() => {
        const t = tf.tensor2d(mixedTargets(labels, mix, K, opts.labelSmoothing), [labels.length, K]);
        if (!teacherLogits) return t;
        const temperature = opts.distillTemperature ?? 0;
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
                  opts.labelSmoothing,
                ),
                [labels.length, K],
              );
        return tf.add(tf.mul(t, 1 - opts.distillWeight), tf.mul(fromTeacher, opts.distillWeight));
      });
      teacherLogits?.dispose();
      lr = lrAt(optimizer.step);
      let logitsOut: number[][] = [];
      const { value, grads } = tf.variableGrads(() => {
        const logits = trunk(vars, x);
        logitsOut = logits.arraySync() as number[][];
        return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar;
      }, varList);
      const named: Record<string, tf.Tensor> = {};
      for (const [vn, g] of Object.entries(grads)) named[nameOf.get(vn)!] = g;
      optimizer.apply(named, lr);
      average?.update(optimizer.step);
      lossSum += value.dataSync()[0] * rows.length;
      // the dominant label of a mixed image
      logitsOut.forEach((row, k) => {
        if (argmax(row) === (mix.share[k] > 0.5 ? labels[mix.partner[k]] : labels[k])) correct++;
      });
      seen += rows.length;
      tf.dispose([value, x, target, ...Object.values(grads)]);
      if ((s + 1) % 10 === 0 || s + 1 === stepsPerEpoch) {
        const elapsed = (Date.now() - t0) / 1000;
        const perStep = elapsed / (s + 1);
        const epochLeft = perStep * (stepsPerEpoch - s - 1);
        const totalLeft = epochLeft + perStep * stepsPerEpoch * (opts.epochs - epoch) * 1.05;
        const bar = '#'.repeat(Math.round(((s + 1) / stepsPerEpoch) * 20)).padEnd(20, '.');
        log(
          `${opts.run} epoch ${epoch}/${opts.epochs} [${bar}] step ${s + 1}/${stepsPerEpoch} loss ${(lossSum / seen).toFixed(4)} acc ${((correct / seen) * 100).toFixed(1)}% lr ${lr.toExponential(2)} | ${(seen / elapsed).toFixed(1)} img/s | epoch ETA ${fmt(epochLeft)} | total ETA ${fmt(totalLeft)}`,
        );
      }
    }
    // validation on un-augmented images: one view, and (jointViews) the test-time view ensemble = mean logits over the views
    const viewLogits = valBanks.map((bank) => validationLogits(bank));
    const single = scoreLogits(viewLogits[0], valLabels);
    const ensemble = jointViews ? scoreLogits(meanLogits(viewLogits), valLabels) : undefined;
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
    state.optimizerStep = optimizer.step;
    state.trainSeconds += seconds;
    // the epoch and the views are chosen together: views only where they beat one view at that epoch
    const useViews = !!ensemble && ensembleIsBetter(ensemble, single);
    const score = useViews ? ensemble! : single;
    if (score.accuracy >= state.bestValAccuracy) {
      state.bestValAccuracy = score.accuracy;
      state.bestEpoch = epoch;
      if (jointViews && ensemble)
        state.bestViews = { candidate: jointViews, chosen: useViews ? jointViews : null, single, ensemble };
      best = withFrozen(toHost(evaluated));
    }
    log(
      `${opts.run} epoch ${epoch}/${opts.epochs} done in ${fmt(seconds)}: train loss ${(lossSum / seen).toFixed(4)} acc ${((correct / seen) * 100).toFixed(2)}% | val acc ${(valAccuracy * 100).toFixed(2)}% loss ${single.logLoss.toFixed(4)}${ensemble ? ` | views "${jointViews}" ${(ensemble.accuracy * 100).toFixed(2)}% loss ${ensemble.logLoss.toFixed(4)}` : ''} | best ${(state.bestValAccuracy * 100).toFixed(2)}% (epoch ${state.bestEpoch}${state.bestViews?.chosen ? `, views` : ''}) | tensors ${tf.memory().numTensors}`,
    );
    await saveCheckpoint(opts.checkpointDir, config, state, {
      weights: withFrozen(toHost(vars)),
      m: toHost(optimizer.m),
      v: toHost(optimizer.v),
      best,
      ...(average ? { average: toHost(average.averaged) } : {}),
    });
  }
  disposeTraining();
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

/**
 * Test-time view ensemble (views.ts) or not: full-image predictions of the best
 * weights on the validation images, one view vs the modality's views (MRI:
 * left-right mirror; histology: mirrors and half turn). Kept only if it is
 * better on validation (accuracy, then log-loss): it multiplies inference cost.
 */
async function chooseViews(
  config: ModelConfig,
  best: HostWeights,
  set: ImageSet,
  valIdx: number[],
  kind: AugmentationKind,
  log: (line: string) => void,
): Promise<ViewSelection | undefined> {
  const candidate = candidateViews(kind);
  if (!candidate || valIdx.length === 0) return undefined;
  const score = async (cfg: ModelConfig) => {
    const model = createModel(cfg, best);
    const { logits } = await predictSet(model, set, valIdx);
    model.dispose();
    return scoreLogits(
      logits,
      valIdx.map((i) => set.labels[i]),
    );
  };
  const single = await score({ ...config, viewEnsemble: undefined });
  const ensemble = await score({ ...config, viewEnsemble: candidate });
  const better = ensembleIsBetter(ensemble, single);
  log(
    `view ensemble "${candidate}" on validation: ${(ensemble.accuracy * 100).toFixed(2)} % (log-loss ${ensemble.logLoss.toFixed(4)}) vs one view ${(single.accuracy * 100).toFixed(2)} % (${single.logLoss.toFixed(4)}): ${better ? 'kept' : 'not kept'}`,
  );
  return { candidate, single, ensemble, chosen: better ? candidate : null };
}

/** The modality's test-time views (MRI: left-right mirror; histology: mirrors and half turn). */
function candidateViews(kind: AugmentationKind): ViewEnsemble | undefined {
  return kind === 'mri' ? 'mirror' : kind === 'histology' ? 'dihedral4' : undefined;
}

/** Views cost inference time: kept only when better on validation (accuracy, then log-loss). */
function ensembleIsBetter(ensemble: ValScore, single: ValScore): boolean {
  return (
    ensemble.accuracy > single.accuracy || (ensemble.accuracy === single.accuracy && ensemble.logLoss < single.logLoss)
  );
}

/** The images ids, each seen through `view`, laid end to end. */
function viewedPixels(pixels: Uint8Array, ids: number[], size: number, view: string): Uint8Array {
  const per = size * size * 3;
  const out = new Uint8Array(ids.length * per);
  ids.forEach((id, k) => out.set(viewImage(pixels.subarray(id * per, (id + 1) * per), size, view), k * per));
  return out;
}

/** The view ensemble's logits: the mean over views (as model.ts averages its branches). */
function meanLogits(perView: number[][][]): number[][] {
  return perView[0].map((row, i) => row.map((_, c) => perView.reduce((sum, v) => sum + v[i][c], 0) / perView.length));
}

function scoreLogits(logits: number[][], labels: number[]): ValScore {
  let correct = 0;
  let loss = 0;
  logits.forEach((row, k) => {
    const m = Math.max(...row);
    const logZ = m + Math.log(row.reduce((sum, v) => sum + Math.exp(v - m), 0));
    if (argmax(row) === labels[k]) correct++;
    loss -= Math.max(row[labels[k]] - logZ, Math.log(1e-12));
  });
  return { accuracy: correct / Math.max(1, labels.length), logLoss: loss / Math.max(1, labels.length) };
}
