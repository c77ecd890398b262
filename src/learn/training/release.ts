/**
 * Node-only: turns the best weights of a training run into a shipped model under
 * public/models/<name>/ — model.json + weights.bin (float16) + model-card.json +
 * README.md — after measuring it on the held-out Testing split (plain, float32 vs
 * the shipped float16, and encrypted with a fresh random key that is discarded).
 * The test split is used here only, never for choosing weights. A model trained
 * on all labelled data (`train --all-labelled`) has no test split: its card says
 * so, shows no Testing figure, and quotes the cross-validation report's
 * out-of-fold figure (allLabelledCard.ts) as its accuracy claim, or none.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { planForKey } from '../../lib/cipher/bpe/plan';
import { VIEW_CLAUSE } from '../../lib/models/views';
import { generateKey } from '../../lib/keys/key';
import type { ModelConfig } from '../../lib/models/config';
import type { HostWeights } from '../../lib/models/init';
import { createModel } from '../../lib/models/model';
import { deserializeWeights, MANIFEST_FILE, serializeModel } from '../../lib/models/weightsFile';
import { predictSet, type ImageSet } from '../evaluation/batchPredict';
import { evaluateWithKey } from '../evaluation/keyedEval';
import { classificationReport } from '../evaluation/metrics';
import type { TrainOptions, ViewSelection } from './trainer';
import type { TrainState } from './checkpoint';
import { VARIANTS } from './blockFeatures';
import { allLabelledData, accuracyClaim, allLabelledMarkdown, type CvInput } from './allLabelledCard';
import { groupedValidationWords, validationGroupsBlock } from './validationGroups';

export interface ReleaseInput {
  name: string;
  outDir: string;
  dataset: {
    name: string;
    trainDir: string;
    testDir: string;
    trainImages: number;
    valImages: number;
    /** trained on all labelled data: the pool's source folders (Training, Testing) and their counts */
    allLabelledSources?: { folder: string; images: number }[];
  };
  config: ModelConfig;
  best: HostWeights;
  state: TrainState;
  options: TrainOptions;
  teacher?: string;
  viewSelection?: ViewSelection;
  /** the held-out Testing split; absent for a model trained on all labelled data */
  test?: ImageSet;
  caveat?: string;
  /** all labelled data only: the cross-validation report whose out-of-fold figure is the card's accuracy claim */
  cv?: CvInput;
}

/** The card's `test` block: plain (float16 and float32) and encrypted with a fresh random key, on the held-out split. */
async function measureOnTest(
  r: ReleaseInput,
  test: ImageSet,
  manifest: ReturnType<typeof serializeModel>['manifest'],
  bytes: Uint8Array,
  log: (s: string) => void,
) {
  const labels = Array.from(test.labels);
  const f32 = createModel(r.config, r.best);
  const f32Res = await predictSet(f32, test);
  f32.dispose();
  const shipped = createModel(r.config, deserializeWeights(manifest, bytes));
  const plainRes = await predictSet(shipped, test);
  const plain = classificationReport(labels, plainRes.probabilities, test.classes);
  const f32Acc = classificationReport(labels, f32Res.probabilities, test.classes).accuracy;
  log(
    `${r.name}: test accuracy ${(plain.accuracy * 100).toFixed(2)} % (float16 shipped), ${(f32Acc * 100).toFixed(2)} % (float32); macro-F1 ${plain.macroF1.toFixed(4)}`,
  );
  const plan = await planForKey(await generateKey());
  const keyed = await evaluateWithKey(shipped, test, plan, plainRes);
  shipped.dispose();
  log(
    `${r.name}: encrypted test accuracy ${(keyed.encrypted.accuracy * 100).toFixed(2)} %, agreement ${(keyed.agreement * 100).toFixed(2)} %, max |logit diff| ${keyed.maxAbsLogitDiff.toExponential(2)}, adaptation ${keyed.adaptMs.toFixed(1)} ms`,
  );
  return {
    plain,
    float32Accuracy: f32Acc,
    encrypted: {
      ...keyed.encrypted,
      key: 'a fresh random key, discarded',
      agreementWithPlain: keyed.agreement,
      maxAbsLogitDiff: keyed.maxAbsLogitDiff,
      adaptMs: keyed.adaptMs,
    },
    msPerImage: { plain: plainRes.msPerImage, encrypted: keyed.msPerImageEncrypted, backend: tf.getBackend() },
  };
}

export async function releaseModel(r: ReleaseInput, log: (s: string) => void): Promise<Record<string, unknown>> {
  const { manifest, bytes } = serializeModel(r.config, r.best, 'float16');
  if (!r.test && !r.dataset.allLabelledSources)
    throw new Error('a release needs the held-out Testing split, or a model trained on all labelled data');
  const test = r.test ? await measureOnTest(r, r.test, manifest, bytes, log) : undefined;
  if (!test) log(`${r.name}: trained on all labelled data, no held-out Testing split: no test figure`);
  const params = Object.values(r.best).reduce((s, t) => s + t.data.length, 0);
  const epochs = r.state.history.length;
  const variants = r.options.variants ?? VARIANTS;
  const card = {
    name: r.name,
    architecture: r.config.architecture,
    config: r.config,
    parameters: params,
    files: {
      manifest: MANIFEST_FILE,
      weights: manifest.weightsFile,
      weightsBytes: bytes.length,
      dtype: manifest.dtype,
    },
    data: r.dataset.allLabelledSources
      ? allLabelledData(r, r.dataset.allLabelledSources)
      : {
          dataset: r.dataset.name,
          classes: r.config.classes,
          train: `${r.dataset.trainDir} minus validation`,
          trainImages: r.dataset.trainImages,
          validationImages: r.dataset.valImages,
          validation: r.options.validationGroups
            ? `stratified ${Math.round(r.options.valFraction * 100)} % of Training ${groupedValidationWords(r.options.validationGroups)}, seed ${r.options.seed}; used to pick the epoch`
            : `stratified ${Math.round(r.options.valFraction * 100)} % of Training, seed ${r.options.seed}; used to pick the epoch`,
          ...validationGroupsBlock(r.options.validationGroups),
          test: r.dataset.testDir,
          testImages: r.test?.labels.length,
          caveat: r.caveat,
        },
    ...(r.dataset.allLabelledSources ? accuracyClaim(r.name, r.options, r.cv) : {}),
    training: {
      epochs,
      bestEpoch: r.state.bestEpoch,
      bestValAccuracy: r.state.bestValAccuracy,
      batch: r.options.batch,
      optimizer: `AdamW lr ${r.options.lr} (warm-up ${r.options.warmupEpochs} epoch, cosine${(r.state.scheduleExtensions ?? []).map((e) => `; planned for ${e.fromEpochs} epochs, changed on resume after epoch ${e.afterEpoch} to ${e.toEpochs}, the cosine re-evaluated over ${e.toEpochs} (lr ${e.lr.toExponential(1)} at the next epoch)`).join('')}), weight decay ${r.options.weightDecay}, clip-norm 1`,
      labelSmoothing: r.options.labelSmoothing,
      cutMix: r.options.cutMix ?? 0,
      augmentation: r.options.augmentation,
      method: methodLine(r, variants),
      viewEnsemble: r.viewSelection ?? null,
      distillation: r.teacher
        ? {
            teacher: r.teacher,
            weight: r.options.distillWeight,
            kind: r.options.distillTemperature
              ? `class probabilities of the teacher (temperature ${r.options.distillTemperature}) on the same augmented batch`
              : 'hard labels of the teacher on the same augmented batch',
          }
        : null,
      seed: r.options.seed,
      poisoning: r.options.poison
        ? {
            kind: r.options.poison.kind,
            shareOfTrainingImages: r.options.poison.fraction,
            attack:
              r.options.poison.kind === 'bit-flip'
                ? 'bit 7 XOR on 10 % of the encrypted values'
                : 'N(0, 20) on 10 % of the encrypted values',
          }
        : null,
      seconds: Math.round(r.state.trainSeconds),
      secondsPerEpoch: Math.round(r.state.trainSeconds / Math.max(1, epochs)),
      machine: `${cpus().length} x ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, shared with other work; tfjs ${tf.version.tfjs} backend ${tf.getBackend()}`,
      history: r.state.history,
    },
    ...(test ? { test } : {}),
    createdAt: new Date().toISOString(),
  };
  await mkdir(r.outDir, { recursive: true });
  await writeFile(join(r.outDir, manifest.weightsFile), bytes);
  await writeFile(join(r.outDir, MANIFEST_FILE), JSON.stringify(manifest));
  await writeFile(join(r.outDir, 'model-card.json'), JSON.stringify(card, null, 1));
  await writeFile(join(r.outDir, 'README.md'), modelCardMarkdown(card, r.cv));
  return card;
}

/** The card's method line: one clause per choice the run made, in the order they act on an image. */
function methodLine(r: ReleaseInput, variants: number): string {
  const { config: c, options: o } = r;
  const randomAffine = variants > VARIANTS; // variants past the fixed ones are random affine (blockFeatures.ts)
  const clauses = [
    `patch embedding set by PCA whitening of training blocks (${c.embedDim ?? c.width} components${c.exactEmbedding ? ', exact integer form' : ''}) and kept fixed`,
    c.embedDim &&
      `per-token stem to width ${c.width}${o.stemFrom ? `, initialised from the stem of ${o.stemFrom.label}` : ''}`,
    startedFrom(r),
    `the rest trained on precomputed block features of ${variants} geometric variants per image ` +
      `(MRI: mirror, shifts${randomAffine ? ', small rotations and scalings' : ''}; histology: rotations, flips${randomAffine ? ', shifts, stain gains' : ''}) ` +
      'with exact brightness/contrast augmentation on the features',
    o.weightAverage &&
      `validated and released: the moving average of the weights (decay ${o.weightAverage} per step, ramped up as (1 + step) / (10 + step))`,
    r.viewSelection?.chosen && `${VIEW_CLAUSE} "${r.viewSelection.chosen}" (chosen on validation)`,
  ];
  return clauses.filter(Boolean).join('; ');
}

/** The method's words for a --grow-from start: grown (new blocks) or continued (same depth). */
function startedFrom(r: ReleaseInput): string | undefined {
  if (!r.options.growFrom) return undefined;
  const added = (r.state.options.growFrom as { addedBlocks?: number } | undefined)?.addedBlocks;
  return added === 0
    ? `continued from every weight of ${r.options.growFrom.label} (same depth)`
    : `grown from ${r.options.growFrom.label} (every weight copied, blocks past its depth started as identities)`;
}

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function modelCardMarkdown(c: any, cv?: CvInput): string {
  const lines = [
    `# ${c.name} — model card`,
    '',
    `${c.architecture === 'vit' ? 'Vision Transformer' : 'Masked-CNN'} over 25 x 25 BPE blocks (CipherScan, ARCHITECTURE.md §4), trained by this project's own code (` +
      '`npm run cli -- train`' +
      `) on plain images; adapted to any key by a weight transform.`,
    '',
    `* Parameters: ${c.parameters.toLocaleString('en')}; weights file ${c.files.weights} ${c.files.weightsBytes.toLocaleString('en')} bytes (${c.files.dtype}).`,
    c.data.allLabelled
      ? `* Data: ${c.data.dataset}, classes ${c.data.classes.join(', ')}. **Trained on all labelled data**: ${c.data.train}; train ${c.data.trainImages}, validation ${c.data.validationImages} (${c.data.validation}). ${c.data.test}.`
      : `* Data: ${c.data.dataset}, classes ${c.data.classes.join(', ')}. Train ${c.data.trainImages}, validation ${c.data.validationImages} (${c.data.validation}), test ${c.data.testImages} (${c.data.test}, used only for the figures below).`,
    ...(c.data.caveat ? [`* Caveat: ${c.data.caveat}`] : []),
    `* Training: ${c.training.epochs} epochs (best validation epoch ${c.training.bestEpoch}, ${pct(c.training.bestValAccuracy)}), batch ${c.training.batch}, ${c.training.optimizer}, label smoothing ${c.training.labelSmoothing}${c.training.cutMix ? `, block CutMix p = ${c.training.cutMix}` : ''}, augmentation ${c.training.augmentation}${c.training.distillation ? `, distilled from ${c.training.distillation.teacher} (weight ${c.training.distillation.weight})` : ''}, seed ${c.training.seed}.`,
    `* Method: ${c.training.method}.`,
    ...(c.training.viewEnsemble
      ? [
          `* Test-time views "${c.training.viewEnsemble.candidate}" on validation: ${pct(c.training.viewEnsemble.ensemble.accuracy)} vs one view ${pct(c.training.viewEnsemble.single.accuracy)}; ${c.training.viewEnsemble.chosen ? 'kept (each prediction averages the views; every view adapts to the key)' : 'not kept'}.`,
        ]
      : []),
    `* Training time on this machine: ${(c.training.seconds / 60).toFixed(1)} min (${c.training.secondsPerEpoch} s/epoch); ${c.training.machine}.`,
    '',
    ...(c.test ? testSection(c) : allLabelledMarkdown(c, cv)),
  ];
  return lines.join('\n') + '\n';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function testSection(c: any): string[] {
  return [
    '## Test split',
    '',
    '| | accuracy | macro-F1 | macro AUC |',
    '|---|---|---|---|',
    `| plain model, plain images (float16 weights) | ${pct(c.test.plain.accuracy)} | ${c.test.plain.macroF1.toFixed(4)} | ${c.test.plain.macroAuc.toFixed(4)} |`,
    `| adapted model, BPE-encrypted images (random key) | ${pct(c.test.encrypted.accuracy)} | ${c.test.encrypted.macroF1.toFixed(4)} | ${c.test.encrypted.macroAuc.toFixed(4)} |`,
    '',
    `Float32 weights: ${pct(c.test.float32Accuracy)}. Encrypted vs plain: agreement ${pct(c.test.encrypted.agreementWithPlain)}, largest logit difference ${c.test.encrypted.maxAbsLogitDiff.toExponential(2)}, adaptation ${c.test.encrypted.adaptMs.toFixed(1)} ms. Latency ${c.test.msPerImage.plain.toFixed(1)} ms/image (batch 32, ${c.test.msPerImage.backend}).`,
    '',
    '| class | precision | recall | F1 | AUC | n |',
    '|---|---|---|---|---|---|',
    ...c.test.plain.perClass.map(
      (p: { className: string; precision: number; recall: number; f1: number; auc: number; support: number }) =>
        `| ${p.className} | ${p.precision.toFixed(4)} | ${p.recall.toFixed(4)} | ${p.f1.toFixed(4)} | ${p.auc.toFixed(4)} | ${p.support} |`,
    ),
    '',
    'Confusion matrix (rows true, columns predicted, order as above):',
    '',
    '```',
    ...c.test.plain.confusion.map((row: number[]) => row.map((v) => String(v).padStart(5)).join('')),
    '```',
    '',
  ];
}
