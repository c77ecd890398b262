/**
 * `cipherscan train --model vit|cnn --data DIR [--epochs N --batch B --seed S
 *   --out public/models/NAME --resume --teacher DIR --lr X --limit N
 *   --poison bit-flip:0.1|gaussian:0.2 --embed E --stem-mlp H --cutmix P
 *   --variants N --joint-views --float-embedding --relative-bias
 *   --distill-temperature T --stem-from DIR --grow-from DIR --weight-average D
 *   --augment mri|histology|none --all-labelled [--cv-report docs/reports/cv-DS.json] --groups FILE]`
 * Trains on DIR/Training (validation split held out from it), evaluates once on
 * DIR/Testing, writes the float16 model + model card to --out. --all-labelled
 * trains on DIR/Training + DIR/Testing pooled (validation still carved from the
 * pool by the seeded split) and evaluates on nothing: the card says so
 * (labelledData.ts, allLabelledCard.ts) and quotes --cv-report's out-of-fold
 * figure for this architecture as its accuracy, or no figure without it. Checkpoints go to
 * .cache/checkpoints/NAME after every epoch; --resume continues from there
 * (with a larger --epochs it extends the cosine schedule: a warm restart, noted
 * in the checkpoint and the model card; --all-labelled runs keep theirs in
 * .cache/checkpoints/NAME-all-labelled). --weight-average 0.998 validates and
 * releases a moving average of the weights (weightAverage.ts). Without --augment the
 * augmentation follows the kind of images the classes name (imageKind.ts).
 * --groups FILE (near-duplicate groups: `{ group: { "Training/<class>/<file>": id } }`, paths
 * relative to DIR; scripts/near-duplicates.ts, or a fold's groups.json from cv-folds.ts --groups)
 * draws validation by whole groups, so no validation image has a copy of its original in
 * training (validationGroups.ts); the card records the file and its sha256, and calibrate,
 * guard and selective cut the same split from it. Without it the split is per image, as always.
 * Runs tfjs on the wasm backend. Never logs pixels or keys.
 */
import { basename, join, relative, resolve } from 'node:path';
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  flag,
  optionalNumber,
  optionalString,
  requireOption,
  UsageError,
  type ParsedArgs,
  type CommandOptions,
} from '../args';
import { load, loadManifestAndBytes } from '../../../lib/models/model';
import type { HostWeights } from '../../../lib/models/init';
import { deserializeWeights } from '../../../lib/models/weightsFile';
import { loadLabelledData } from '../../../learn/training/labelledData';
import { readValidationGroups } from '../../../learn/training/validationGroups';
import { readCvInput, type CvInput } from '../../../learn/training/allLabelledCard';
import { train, type TrainOptions } from '../../../learn/training/trainer';
import { releaseModel } from '../../../learn/training/release';
import { VARIANTS } from '../../../learn/training/blockFeatures';
import type { AugmentationKind } from '../../../learn/training/augment';
import { AUGMENTATION_FOR, DATA_CAVEAT, imageKindOf, type ImageKind } from '../../../learn/training/imageKind';
import { bpePlans } from '../../../lib/cipher/bpe/planCache';
import { MODEL_INPUT_SIZE } from '../../../lib/image/modelInput';
import { keyFromBytes, type CipherKey } from '../../../lib/keys/key';

export async function useWasmBackend(): Promise<void> {
  if (!(await tf.setBackend('wasm'))) throw new Error('could not start the tfjs wasm backend');
  await tf.ready();
}

function log(line: string): void {
  console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
}

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = {
  values: [
    ...['model', 'data', 'name', 'out', 'augment', 'teacher', 'width', 'depth', 'mlp', 'token-mlp', 'heads', 'embed'],
    ...['stem-mlp', 'epochs', 'batch', 'seed', 'lr', 'weight-decay', 'warmup', 'label-smoothing', 'val', 'distill'],
    ...['distill-temperature', 'cutmix', 'variants', 'limit', 'weight-average', 'cv-report', 'groups', 'poison'],
    ...['stem-from', 'grow-from'],
  ],
  flags: ['all-labelled', 'resume', 'joint-views', 'relative-bias', 'float-embedding'],
};

export async function run(args: ParsedArgs): Promise<void> {
  const architecture = requireOption(args, 'model');
  if (architecture !== 'vit' && architecture !== 'cnn') throw new UsageError('--model must be vit or cnn');
  const dataDir = resolve(requireOption(args, 'data'));
  const trainDir = join(dataDir, 'Training');
  const testDir = join(dataDir, 'Testing');
  if (!existsSync(trainDir) || !existsSync(testDir))
    throw new UsageError(`${dataDir} must hold Training/ and Testing/ folders of class sub-folders`);
  const datasetName = basename(dataDir);
  const name = optionalString(args, 'name') ?? `${architecture}-${datasetName}`;
  const outDir = optionalString(args, 'out') ?? join('public/models', name);
  const kind = imageKindOf(await classFolders(trainDir));
  const augmentation = augmentationFor(optionalString(args, 'augment'), kind, trainDir);
  const teacherDir = optionalString(args, 'teacher');
  const width = optionalNumber(args, 'width', 0);
  const depth = optionalNumber(args, 'depth', 0);
  const mlpDim = optionalNumber(args, 'mlp', 0);
  const tokenMlpDim = optionalNumber(args, 'token-mlp', -1);
  const heads = optionalNumber(args, 'heads', 0);
  const embedDim = optionalNumber(args, 'embed', 0);
  const stemMlpDim = optionalNumber(args, 'stem-mlp', 0);
  const allLabelled = flag(args, 'all-labelled');
  const opts: TrainOptions = {
    run: name,
    architecture,
    epochs: optionalNumber(args, 'epochs', 20),
    batch: optionalNumber(args, 'batch', 64),
    seed: optionalNumber(args, 'seed', 1),
    lr: optionalNumber(args, 'lr', architecture === 'vit' ? 5e-4 : 1e-3),
    weightDecay: optionalNumber(args, 'weight-decay', 0.05),
    warmupEpochs: optionalNumber(args, 'warmup', 1),
    labelSmoothing: optionalNumber(args, 'label-smoothing', 0.1),
    valFraction: optionalNumber(args, 'val', 0.1),
    augmentation,
    // its own checkpoints: a --resume must never continue (or re-release) the run on Training alone
    checkpointDir: join('.cache/checkpoints', allLabelled ? `${name}-all-labelled` : name),
    resume: flag(args, 'resume'),
    distillWeight: teacherDir ? optionalNumber(args, 'distill', 0.5) : 0,
    distillTemperature: optionalNumber(args, 'distill-temperature', 0),
    cutMix: optionalNumber(args, 'cutmix', 0),
    variants: optionalNumber(args, 'variants', VARIANTS),
    jointViewSelection: flag(args, 'joint-views'),
    configOverrides: {
      ...(width ? { width } : {}),
      ...(depth ? { depth } : {}),
      ...(heads ? { heads } : {}),
      ...(mlpDim ? { mlpDim } : {}),
      ...(tokenMlpDim >= 0 ? { tokenMlpDim } : {}),
      ...(embedDim ? { embedDim, stemMlpDim } : {}),
      ...(flag(args, 'relative-bias') ? { relativeBias: true } : {}),
      // exact integer patch embedding unless asked otherwise (config.ts): adapted logits equal plain ones
      exactEmbedding: !flag(args, 'float-embedding'),
    },
    limit: optionalNumber(args, 'limit', 0) || undefined,
    weightAverage: optionalNumber(args, 'weight-average', 0) || undefined,
    ...(allLabelled ? { allLabelled: true } : {}),
  };
  const cvPath = optionalString(args, 'cv-report');
  let cv: CvInput | undefined;
  if (cvPath) {
    if (!allLabelled)
      throw new UsageError(
        '--cv-report goes with --all-labelled (a model with a held-out Testing split gets its CV figures from scripts/cv-report.ts --write-cards)',
      );
    if (!existsSync(cvPath)) throw new UsageError(`no cross-validation report at ${cvPath}`);
    // checked before any training: a wrong report must not cost hours
    try {
      cv = readCvInput(await readFile(cvPath, 'utf8'), cvPath, datasetName);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const groupsFile = optionalString(args, 'groups');
  if (groupsFile !== undefined && !existsSync(groupsFile)) throw new UsageError(`no groups file at ${groupsFile}`);
  const poison = optionalString(args, 'poison');
  if (poison && allLabelled) throw new UsageError('--poison studies compare Testing figures: not with --all-labelled');
  if (poison) {
    const [kind, share] = poison.split(':');
    const fraction = Number(share);
    if ((kind !== 'bit-flip' && kind !== 'gaussian') || !(fraction > 0 && fraction <= 1))
      throw new UsageError('--poison must be bit-flip:F or gaussian:F with 0 < F <= 1');
    opts.poison = { kind, fraction, plan: await bpePlans.plan(await poisoningStudyKey(opts.seed)) };
  }
  const stemDir = optionalString(args, 'stem-from');
  if (stemDir) opts.stemFrom = await modelWeights(stemDir);
  const growDir = optionalString(args, 'grow-from');
  if (growDir) opts.growFrom = await modelWeights(growDir);
  await useWasmBackend();
  log(
    `loading ${trainDir} and ${testDir} (${allLabelled ? 'pooled' : 'Testing held out'}; decoded once, cached in .cache/datasets)`,
  );
  // the one loader of both splits (its class check included), as calibrate, guard and selective read them
  const labelled = await loadLabelledData(dataDir, MODEL_INPUT_SIZE, allLabelled, log);
  const set = labelled.pool;
  if (groupsFile) opts.validationGroups = await readValidationGroups(groupsFile, labelled.poolKeys, log);
  const teacher = teacherDir
    ? await load({ loader: async (f) => new Uint8Array(await readFile(join(teacherDir, f))) })
    : undefined;
  const result = await train(set, opts, log, teacher);
  teacher?.dispose();
  log(
    `training done: best validation accuracy ${(result.state.bestValAccuracy * 100).toFixed(2)} % at epoch ${result.state.bestEpoch}; ` +
      (allLabelled ? 'trained on all labelled data: no Testing evaluation' : `evaluating on ${testDir}`),
  );
  await releaseModel(
    {
      name,
      outDir,
      config: result.config,
      best: result.best,
      state: result.state,
      options: opts,
      teacher: teacherDir,
      viewSelection: result.viewSelection,
      test: labelled.testing,
      dataset: {
        name: datasetName,
        // as given (relative to the repository), so a fold's card names its fold folder
        trainDir: relative(process.cwd(), trainDir),
        testDir: relative(process.cwd(), testDir),
        trainImages: result.split.train,
        valImages: result.split.val,
        allLabelledSources: allLabelled ? labelled.sources : undefined,
      },
      cv,
      caveat: kind ? DATA_CAVEAT[kind] : undefined,
    },
    log,
  );
  log(`wrote ${outDir}/{model.json,weights.bin,model-card.json,README.md}`);
}

/** The class sub-folders of a Training folder (their names are the class ids). */
async function classFolders(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
}

/**
 * --augment if given, else the one the images' kind trains with (imageKind.ts: told by the
 * classes, never by the folder's name); a set of unknown classes must name it.
 */
export function augmentationFor(
  named: string | undefined,
  kind: ImageKind | undefined,
  trainDir: string,
): AugmentationKind {
  if (named !== undefined) {
    if (named !== 'mri' && named !== 'histology' && named !== 'none')
      throw new UsageError('--augment must be mri, histology or none');
    return named;
  }
  if (!kind)
    throw new UsageError(
      `cannot tell from the classes in ${trainDir} whether they are histology or MRI images: name --augment mri|histology|none`,
    );
  return AUGMENTATION_FOR[kind];
}

/**
 * The poisoning study's key: not a user's key, derived from the run's seed so that a run and its
 * --resume poison the same images the same way (only the key's effect on the training images matters).
 */
export async function poisoningStudyKey(seed: number): Promise<CipherKey> {
  const bytes = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`cipherscan poisoning study key, seed ${seed}`)),
  );
  return keyFromBytes(bytes, 'imported');
}

/** A released model's weights as host arrays, labelled by its folder (for --stem-from / --grow-from). */
async function modelWeights(dir: string): Promise<{ weights: HostWeights; label: string }> {
  const { manifest, bytes } = await loadManifestAndBytes({
    loader: async (f) => new Uint8Array(await readFile(join(dir, f))),
  });
  return { weights: deserializeWeights(manifest, bytes), label: dir };
}
