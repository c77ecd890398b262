/**
 * The weights a run starts from: the fixed patch embedding (PCA whitening of
 * training blocks, whitenInit.ts) and, where asked, a trained model's stem
 * (hybrid ViT) or all of a trained ViT's weights (grown). Host arrays only:
 * this module creates no tensors, and it never changes the patch embedding of
 * a resumed run (the block features depend on it; docs/ARCHITECTURE.md, "Training").
 */
import { embedWidth, type ModelConfig } from '../../lib/models/config';
import { effectiveEmbedding, toExactEmbedding } from '../../lib/models/embedding';
import type { HostWeights } from '../../lib/models/init';
import type { DiagnosisModel } from '../../lib/models/model';
import type { ImageSet } from '../evaluation/batchPredict';
import { centringBias, whitenedPatchEmbedding } from './whitenInit';
import type { TrainOptions } from './options';

/** The weights that never train: the patch embedding (and its exact-form scale). */
export const FROZEN = new Set(['patch.w', 'patch.b', 'patch.scale']);

export interface StartingWeights {
  /** every weight, trainable and frozen */
  start: HostWeights;
  frozen: HostWeights;
  /** blocks a grown ViT added (recorded in the checkpoint's options) */
  addedBlocks?: number;
}

/**
 * `start`: the fresh initialisation, or a resumed checkpoint's weights (then
 * `resumed`: nothing is whitened or copied, the checkpoint already holds it).
 * Mutates `start` in place, as the loop always did.
 */
export function startingWeights(
  config: ModelConfig,
  data: { set: ImageSet; trainIdx: number[] },
  start: HostWeights,
  resumed: boolean,
  opts: Pick<TrainOptions, 'seed' | 'growFrom' | 'stemFrom'>,
  log: (line: string) => void,
): StartingWeights {
  const { set, trainIdx } = data;
  const centre = config.inputCentre ?? 0;
  if (!resumed) {
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
  const frozen: HostWeights = { 'patch.w': start['patch.w'], 'patch.b': start['patch.b'] };
  if (start['patch.scale']) frozen['patch.scale'] = start['patch.scale'];
  if (opts.growFrom && opts.stemFrom) throw new Error('grow from a model or start its stem from one, not both');
  if (opts.growFrom && config.architecture !== 'vit')
    throw new Error('only a ViT can be grown from another (--grow-from)');
  let addedBlocks: number | undefined;
  if (opts.growFrom && !resumed) {
    addedBlocks = copyGrown(opts.growFrom.weights, frozen, start);
    log(
      `grown from ${opts.growFrom.label}: every weight copied, ${addedBlocks} new block${addedBlocks === 1 ? '' : 's'} starting as identities`,
    );
  }
  if (opts.stemFrom && !resumed) {
    copyStem(opts.stemFrom.weights, frozen, start);
    log(`per-token stem initialised from ${opts.stemFrom.label}`);
  }
  return { start, frozen, addedBlocks };
}

/** Distillation shares block features: the teacher's fixed embedding must be the student's. */
export function sameEmbedding(teacher: DiagnosisModel, frozen: HostWeights): boolean {
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
