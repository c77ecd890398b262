/**
 * `cipherscan selective --data ../shared/datasets/DS --models DIR1,DIR2 [--target 0.97] [--batch N]
 *   [--out docs/reports/selective-DS] [--write [--thresholds-from CV.json] [--ensemble-from CV.json]] [--cross-validation]`
 * Issue 18's abstention and ensemble study (learn/evaluation/selectiveStudy.ts):
 * each model's logits on the validation split it was trained with (10 % of
 * Training, seed 1) and on Testing; the "Uncertain — refer for review" threshold
 * fitted on validation only; the ensemble of the models shipped only where it
 * wins on validation; Testing figures for what ships, with Wilson intervals.
 * Writes OUT.json and OUT.md; --write also stores each model's threshold in its
 * model.json (`calibration.minConfidence`) and the figures in its model card
 * (model-card.json `selective`, README.md "Uncertain — refer for review"):
 * selectiveWrite.ts, the only writer of that threshold. `--write --thresholds-from
 * docs/reports/cv-DS.json` writes the thresholds scripts/cv-report.ts fitted on the
 * pooled out-of-fold predictions instead of validation's (the report's choice decides
 * the ensemble); refused, writing nothing, unless that report is complete, of DS,
 * and has each model's threshold. `--write` alone is refused for a model whose card
 * says it was cross-validated. Logits are cached in
 * .cache/predictions by the hash of the model's files, so a re-run after a change
 * to the study costs no forward pass. `--cross-validation` is for a fold of
 * scripts/cv-folds.ts (its Testing is the held-out fold): every candidate, the
 * ensemble too, is scored there, for scripts/cv-report.ts to pool; refused with --write.
 * `--write --ensemble-from docs/reports/cv-DS.json` (--models VIT,CNN; implies
 * --thresholds-from the same report) also writes models/ensemble-DS/
 * (selectiveEnsemble.ts) — only where that CV report chose the ensemble with every
 * fold scored; otherwise it refuses before anything is written.
 * Models trained on all labelled data (their cards say so: labelledData.ts) are
 * studied on the validation split of the pool they trained on and get no Testing
 * figure (none is held out); all the models of one study must agree on that, and on how
 * their validation split was drawn (per image, or by one groups file: `train --groups`).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  flag,
  optionalNumber,
  optionalString,
  requireOption,
  UsageError,
  type ParsedArgs,
  type CommandOptions,
} from '../args';
import { load } from '../../../lib/models/model';
import {
  loadLabelledData,
  noHeldOutTesting,
  readTrainedOn,
  validationGroupsOf,
} from '../../../learn/training/labelledData';
import { splitData } from '../../../learn/training/data';
import { SHIPPED_SPLIT } from '../../../learn/training/calibrate';
import { predictSet, type ImageSet } from '../../../learn/evaluation/batchPredict';
import { cachedLogits, modelHash } from '../../../learn/evaluation/predictionCache';
import { selectiveStudy, type MemberLogits } from '../../../learn/evaluation/selectiveStudy';
import { selectiveMarkdown } from '../../../learn/evaluation/selectiveMarkdown';
import { useWasmBackend } from './train';
import { writeEnsembleFolder } from './selectiveEnsemble';
import { checkCvRelease, checkWritable, readModelFolders, writeThresholds, type CvRelease } from './selectiveWrite';

type Log = (line: string) => void;

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = {
  values: ['data', 'models', 'target', 'out', 'batch', 'ensemble-from', 'thresholds-from'],
  flags: ['cross-validation', 'write'],
};

export async function run(args: ParsedArgs): Promise<void> {
  const dataDir = requireOption(args, 'data');
  const modelDirs = requireOption(args, 'models').split(',').filter(Boolean);
  for (const d of modelDirs) if (!existsSync(join(d, 'model.json'))) throw new UsageError(`no model.json in ${d}`);
  for (const s of ['Training', 'Testing'])
    if (!existsSync(join(dataDir, s))) throw new UsageError(`no ${s} folder in ${dataDir}`);
  const target = optionalNumber(args, 'target', 0.97);
  if (!(target > 0 && target < 1)) throw new UsageError('--target is an accuracy between 0 and 1, e.g. 0.97');
  const dataset = basename(resolve(dataDir));
  const out = optionalString(args, 'out') ?? join('docs/reports', `selective-${dataset}`);
  const batch = optionalNumber(args, 'batch', 32);
  const crossValidation = flag(args, 'cross-validation');
  if (crossValidation && flag(args, 'write'))
    throw new UsageError('--cross-validation scores a fold; it never writes a threshold into a model');
  const log: Log = (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  const write = flag(args, 'write');
  const ensembleFrom = optionalString(args, 'ensemble-from');
  const thresholdsArg = optionalString(args, 'thresholds-from');
  const thresholdsFrom = thresholdsArg ?? ensembleFrom;
  if (ensembleFrom && thresholdsArg && thresholdsArg !== ensembleFrom)
    throw new UsageError('--thresholds-from and --ensemble-from must name the same cross-validation report');
  if (thresholdsFrom && !write)
    throw new UsageError(
      ensembleFrom
        ? '--ensemble-from writes the ensemble folder: add --write'
        : "--thresholds-from writes the models' thresholds: add --write",
    );
  // before any work: a refusal writes nothing
  let release: CvRelease | undefined;
  const folders = write ? await readModelFolders(modelDirs) : [];
  if (thresholdsFrom) release = await checkCvRelease(thresholdsFrom, dataset, folders, !!ensembleFrom);
  if (write) await checkWritable(folders, dataset, !thresholdsFrom);
  if (release?.cv.choice === 'ensemble' && !ensembleFrom && modelDirs.length > 1)
    log(`${thresholdsFrom} chose the ensemble: add --ensemble-from ${thresholdsFrom} to write its folder`);

  const trainedOn = await Promise.all(modelDirs.map(readTrainedOn));
  const allLabelled = trainedOn.some((t) => t.allLabelled);
  if (allLabelled && !trainedOn.every((t) => t.allLabelled))
    throw new UsageError(
      'some of these models were trained on all labelled data and some were not: their validation splits differ, study them apart',
    );
  // one validation split for all: per image, or by the same groups file (train --groups, in each card)
  const groupings = new Set(trainedOn.map((t) => t.validationGroups?.sha256 ?? 'per image'));
  if (groupings.size > 1)
    throw new UsageError(
      'these models drew their validation splits differently (per image, or by other near-duplicate groups files: model-card.json data.validationGroups): study them apart',
    );
  const grouped = trainedOn[0]?.validationGroups;
  if (allLabelled && crossValidation)
    throw new UsageError('--cross-validation scores a fold model; a model trained on all labelled data has no fold');
  const noTesting = allLabelled ? noHeldOutTesting(modelDirs, 'a Testing figure') : undefined;
  if (noTesting) log(noTesting);

  await useWasmBackend();
  const sets = new Map<number, { training: ImageSet; testing?: ImageSet; valIdx: number[] }>();
  const members: MemberLogits[] = [];
  let labels: { validation: number[]; testing?: number[] } | undefined;
  for (const dir of modelDirs) {
    const model = await load({ loader: async (f) => new Uint8Array(await readFile(join(dir, f))) });
    try {
      const size = model.config.imageSize;
      if (!sets.has(size)) {
        const labelled = await loadLabelledData(dataDir, size, allLabelled, log);
        const { pool: training, testing } = labelled;
        const validationGroups = await validationGroupsOf(trainedOn[0], labelled, log);
        const valIdx = splitData(training, { ...SHIPPED_SPLIT, validationGroups }, log).valIdx;
        sets.set(size, { training, testing, valIdx });
      }
      const { training, testing, valIdx } = sets.get(size)!;
      if (training.classes.join() !== model.classes.join())
        throw new UsageError(
          `${dir} has classes ${model.classes.join(', ')}; ${dataDir} has ${training.classes.join(', ')}`,
        );
      const these = {
        validation: valIdx.map((i) => training.labels[i]),
        testing: testing ? Array.from(testing.labels) : undefined,
      };
      if (
        labels &&
        (labels.validation.join() !== these.validation.join() || labels.testing?.join() !== these.testing?.join())
      )
        throw new UsageError('the models do not see the same images in the same order');
      labels = these;
      const hash = await modelHash(dir);
      const name = basename(resolve(dir));
      members.push({
        name,
        temperature: model.temperature,
        validation: await cachedLogits(
          `${name}-${hash}-validation-${valIdx.length}`,
          async () => (await predictSet(model, training, valIdx, { batch })).logits,
          log,
        ),
        testing: testing
          ? await cachedLogits(
              `${name}-${hash}-testing-${testing.labels.length}`,
              async () => (await predictSet(model, testing, undefined, { batch })).logits,
              log,
            )
          : undefined,
      });
    } finally {
      model.dispose();
    }
  }
  const study = selectiveStudy(
    members,
    labels!.validation,
    labels!.testing,
    target,
    `the split the ${crossValidation ? 'fold' : 'shipped'} models were trained and chosen with: ${labels!.validation.length} images, stratified 10 % of ${allLabelled ? 'Training + Testing pooled' : 'Training'}${grouped ? ' by whole near-duplicate groups' : ''}, seed ${SHIPPED_SPLIT.seed}`,
    {
      scoreAllOnTesting: crossValidation,
      ...(crossValidation ? { testingFiles: sets.values().next().value!.testing?.files } : {}),
      noTesting,
      ...(release ? { crossValidation: release.decision } : {}),
    },
  );
  const command =
    `cipherscan selective --data ${dataDir} --models ${modelDirs.join(',')}` +
    (thresholdsFrom ? ' --write' : '') +
    (thresholdsArg ? ` --thresholds-from ${thresholdsArg}` : '') +
    (ensembleFrom ? ` --ensemble-from ${ensembleFrom}` : '');
  const md = selectiveMarkdown(dataset, study, command);
  console.log('\n' + md);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(`${out}.json`, JSON.stringify(study, null, 1));
  await writeFile(`${out}.md`, md);
  log(`wrote ${out}.json and ${out}.md`);
  if (!write) return;
  await writeThresholds(modelDirs, study, command, log);
  if (release && ensembleFrom) {
    const temperatures = modelDirs.map((d) => members.find((m) => m.name === basename(resolve(d)))!.temperature);
    const classes = sets.values().next().value!.training.classes;
    const dir = await writeEnsembleFolder(
      modelDirs,
      dataset,
      classes,
      temperatures,
      study,
      release.cv,
      ensembleFrom,
      command,
      noTesting,
    );
    log(`wrote the ensemble (${study.ensembleReason}) into ${dir}`);
  }
}
