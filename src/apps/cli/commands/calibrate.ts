/**
 * `cipherscan calibrate --model public/models/NAME --data ../shared/datasets/DS [--batch N] [--dry-run]`
 * Fits the model's temperature on the validation split it was trained with
 * (DS/Training, 10 %, seed 1), reports ECE (15 bins) before and after on
 * DS/Testing, and writes `calibration` into NAME/model.json and the ECE figures
 * into NAME/model-card.json (not with --dry-run). Never fits on Testing, never
 * touches the weights file. A model trained on all labelled data (its card says
 * so: labelledData.ts) is fitted on the validation split of the pool it trained
 * on, and gets no Testing figure: there is none held out. A model whose validation split
 * took whole near-duplicate groups (`train --groups`, its card's data.validationGroups) is
 * fitted on that split, cut again from the recorded groups file (refused if it changed).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { flag, optionalNumber, requireOption, UsageError, type ParsedArgs, type CommandOptions } from '../args';
import { load } from '../../../lib/models/model';
import type { ModelManifest } from '../../../lib/models/weightsFile';
import {
  loadLabelledData,
  noHeldOutTesting,
  readTrainedOn,
  validationGroupsOf,
} from '../../../learn/training/labelledData';
import { calibrateModel } from '../../../learn/training/calibrate';
import { useWasmBackend } from './train';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = { values: ['model', 'data', 'batch'], flags: ['dry-run'] };

export async function run(args: ParsedArgs): Promise<void> {
  const modelDir = requireOption(args, 'model');
  const dataDir = requireOption(args, 'data');
  const manifestPath = join(modelDir, 'model.json');
  if (!existsSync(manifestPath)) throw new UsageError(`no model.json in ${modelDir}`);
  if (!existsSync(join(dataDir, 'Training'))) throw new UsageError(`no Training folder in ${dataDir}`);
  const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  await useWasmBackend();
  const model = await load({ loader: async (f) => new Uint8Array(await readFile(join(modelDir, f))) });
  try {
    const trainedOn = await readTrainedOn(modelDir);
    const { allLabelled } = trainedOn;
    const data = await loadLabelledData(dataDir, model.config.imageSize, allLabelled, log);
    // a card that says its validation split took whole groups: the same split, from the same file
    const validationGroups = await validationGroupsOf(trainedOn, data, log);
    const noTesting = allLabelled ? noHeldOutTesting(modelDir, 'the Testing ECE') : undefined;
    if (noTesting) log(noTesting);
    const r = await calibrateModel(model, data.pool, data.testing, {
      batch: optionalNumber(args, 'batch', 32),
      log,
      poolName: data.poolName,
      validationGroups,
    });
    console.log(JSON.stringify(r));
    if (flag(args, 'dry-run')) return;
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as ModelManifest;
    manifest.calibration = { temperature: Number(r.temperature.toFixed(4)), fittedOn: r.fittedOn, n: r.n };
    await writeFile(manifestPath, JSON.stringify(manifest));
    const cardPath = join(modelDir, 'model-card.json');
    if (existsSync(cardPath)) {
      const card = JSON.parse(await readFile(cardPath, 'utf8')) as Record<string, unknown>;
      card.calibration = {
        method: 'temperature scaling, probabilities = softmax(logits / T)',
        ...manifest.calibration,
        validation: r.validation,
        ...(allLabelled ? { validationOf: data.poolName, test: null, noTesting } : { test: r.test }),
        command: `cipherscan calibrate --model ${modelDir} --data ${dataDir}`,
      };
      await writeFile(cardPath, JSON.stringify(card, null, 1));
    }
    log(`wrote calibration (T = ${manifest.calibration.temperature}) into ${manifestPath}`);
  } finally {
    model.dispose();
  }
}
