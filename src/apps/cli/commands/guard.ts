/**
 * `cipherscan guard --model public/models/NAME --data ../shared/datasets/DS [--limit N] [--batch N] [--dry-run]`
 * Fits the model's out-of-domain guard (issue 18) and writes NAME/domain-guard.json
 * (version 2): class means and shrunk shared covariance of the network's guard
 * features on DS/Training outside the validation split the model was trained with
 * (10 %, seed 1, as `calibrate`), and mean and covariance of the log intensity
 * histogram (lib/models/intensityHistogram.ts) of every such image; each threshold
 * accepts 99 % of that validation split (by whole near-duplicate groups where the card says
 * the model trained so: labelledData.ts validationGroupsOf). --limit N fits the network part on a
 * seeded subset of N fitting images (the wasm backend is slow); the histograms are
 * cheap and always use all of them; validation is always whole. Testing is never
 * read here — except for a model trained on all labelled data (labelledData.ts),
 * whose pool and validation split are cut from Training + Testing, as it trained.
 *
 * `cipherscan guard --report --model NAME --data DS --other DS2 [--dicom DIR] [--out FILE.json]`
 * Reads the shipped guard and reports, once, the share of DS/Testing accepted and
 * the share refused of DS2/Testing, every image of DIR (default
 * ../shared/dicom-samples; files that fail to decode are counted, not scored) and
 * the built-in phantoms, with 95 % Wilson intervals (guardReport.ts). For a model
 * trained on all labelled data DS/Testing is not held out: that row is left out, said why.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  flag,
  optionalNumber,
  optionalString,
  requireOption,
  UsageError,
  type ParsedArgs,
  type CommandOptions,
  options,
} from '../args';
import { load, type DiagnosisModel } from '../../../lib/models/model';
import { DOMAIN_GUARD_FILE, domainVerdict, serializeDomainGuard } from '../../../lib/diagnosis/domainGuard';
import { loadLabelledData, readTrainedOn, validationGroupsOf } from '../../../learn/training/labelledData';
import { splitData } from '../../../learn/training/data';
import { SHIPPED_SPLIT } from '../../../learn/training/calibrate';
import { ModelRandom } from '../../../lib/models/init';
import { featuresOf, fitDomainGuard, fitIntensityGuard } from '../../../learn/evaluation/domainGuardFit';
import { intensityHistogram } from '../../../lib/models/intensityHistogram';
import { useWasmBackend } from './train';
import { runGuardReport, GUARD_REPORT_OPTIONS } from './guardReport';

export type Log = (line: string) => void;

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = options(GUARD_REPORT_OPTIONS, {
  values: ['model', 'data', 'batch', 'limit'],
  flags: ['report', 'dry-run'],
});

export async function run(args: ParsedArgs): Promise<void> {
  const modelDir = requireOption(args, 'model');
  const dataDir = requireOption(args, 'data');
  if (!existsSync(join(modelDir, 'model.json'))) throw new UsageError(`no model.json in ${modelDir}`);
  if (!existsSync(join(dataDir, 'Training'))) throw new UsageError(`no Training folder in ${dataDir}`);
  const log: Log = (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  await useWasmBackend();
  const model = await load({ loader: async (f) => new Uint8Array(await readFile(join(modelDir, f))) });
  try {
    if (flag(args, 'report')) await runGuardReport(model, modelDir, dataDir, args, log);
    else await fit(model, modelDir, dataDir, args, log);
  } finally {
    model.dispose();
  }
}

async function fit(model: DiagnosisModel, modelDir: string, dataDir: string, args: ParsedArgs, log: Log) {
  const batch = optionalNumber(args, 'batch', 32);
  const limit = optionalNumber(args, 'limit', 0);
  const trainedOn = await readTrainedOn(modelDir);
  const data = await loadLabelledData(dataDir, model.config.imageSize, trainedOn.allLabelled, log, { testing: false });
  const training = data.pool;
  const pool = data.poolName; // 'Training', or 'Training + Testing' for a model trained on all labelled data
  if (training.classes.join() !== model.classes.join())
    throw new UsageError(`data classes (${training.classes.join(', ')}) differ from the model's`);
  // the split the model trained with: by whole near-duplicate groups where its card says so
  const validationGroups = await validationGroupsOf(trainedOn, data, log);
  const { trainIdx, valIdx } = splitData(training, { ...SHIPPED_SPLIT, validationGroups }, log);
  let fitIdx = trainIdx;
  if (limit > 0 && limit < trainIdx.length) {
    fitIdx = trainIdx.slice();
    new ModelRandom(SHIPPED_SPLIT.seed + 18).shuffle(fitIdx);
    fitIdx = fitIdx.slice(0, limit).sort((a, b) => a - b);
  }
  log(
    `fitting on ${fitIdx.length} of ${trainIdx.length} ${pool} images outside validation; threshold on ${valIdx.length}`,
  );
  const t0 = performance.now();
  const progress = (what: string) => (done: number, total: number) => {
    if (done % (batch * 8) === 0 || done === total) log(`${what} features ${done}/${total}`);
  };
  // the network's part of the guard features; the model appends the histogram after it
  const d = 2 * model.config.width;
  const network = (f: Float32Array[]) => f.map((x) => x.subarray(0, d));
  const fitFeatures = await featuresOf(model, training, fitIdx, { batch, onBatch: progress('fitting') });
  const valFeatures = await featuresOf(model, training, valIdx, { batch, onBatch: progress('validation') });
  const msPerImage = (performance.now() - t0) / (fitIdx.length + valIdx.length);
  const onValidation = `threshold on validation (10 % of ${pool}${validationGroups ? ' by whole near-duplicate groups' : ''}, seed 1)`;
  const guard = fitDomainGuard(
    model.classes,
    network(fitFeatures),
    fitIdx.map((i) => training.labels[i]),
    network(valFeatures),
    {
      fittedOn:
        `${fitIdx.length} of ${trainIdx.length} ${pool} images outside validation` +
        `${fitIdx.length < trainIdx.length ? ' (seeded subset)' : ''}; ${onValidation}`,
    },
  );
  const per = training.size * training.size * 3;
  const histogram = (i: number) => intensityHistogram(training.pixels.subarray(i * per, (i + 1) * per));
  guard.intensity = fitIntensityGuard(trainIdx.map(histogram), valIdx.map(histogram), {
    fittedOn: `all ${trainIdx.length} ${pool} images outside validation; ${onValidation}`,
  });
  const text = serializeDomainGuard(guard);
  const summary = {
    threshold: guard.threshold,
    validationAccepted: guard.fit.validationAccepted,
    intensityThreshold: guard.intensity.threshold,
    intensityValidationAccepted: guard.intensity.fit.validationAccepted,
    bothValidationAccepted:
      valFeatures.filter((f) => domainVerdict(guard, f).inDomain).length / Math.max(1, valFeatures.length),
    nFit: guard.fit.nFit,
    nValidation: guard.fit.nValidation,
    bytes: text.length,
    featureMsPerImage: Number(msPerImage.toFixed(2)),
  };
  console.log(JSON.stringify(summary));
  if (flag(args, 'dry-run')) return;
  await writeFile(join(modelDir, DOMAIN_GUARD_FILE), text);
  log(`wrote ${join(modelDir, DOMAIN_GUARD_FILE)} (${text.length} bytes)`);
  const out = optionalString(args, 'out');
  if (out) await writeFile(out, JSON.stringify(summary));
}
