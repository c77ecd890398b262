/**
 * `cipherscan eval --model public/models/NAME --data DIR [--key KEYFILE |
 *   --random-key] [--json OUT.json] [--md OUT.md] [--unadapted] [--attacks]
 *   [--aes] [--report] [--batch N] [--limit N]`
 * DIR holds one sub-folder per class. Prints and writes n, accuracy, macro-F1,
 * one-vs-rest AUC, per-class P/R/F1, confusion matrix, the accuracy's 95 % Wilson
 * interval, the share answered above the model's confidence threshold and the
 * share its out-of-domain guard accepts (when it ships them); with a key the
 * encrypted-domain figures; latency and backend. --report = --random-key
 * --unadapted --attacks --aes, written to docs/reports/NAME.{json,md}.
 * `cipherscan eval --summary` writes docs/reports/README.md from all model cards and reports.
 * A random key is generated in memory and discarded; keys are never printed.
 * A model trained on all labelled data (its card says so: labelledData.ts) is
 * refused on any folder holding images it trained on (links followed): such a
 * figure would be in-sample, not held out.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import {
  flag,
  optionalNumber,
  optionalString,
  requireOption,
  UsageError,
  type ParsedArgs,
  type CommandOptions,
} from '../args';
import { loadKey } from '../io';
import { bpePlans } from '../../../lib/cipher/bpe/planCache';
import { generateKey } from '../../../lib/keys/key';
import { load } from '../../../lib/models/model';
import { loadImageSet, type ImageSet } from '../../../learn/training/dataset';
import {
  inSampleImages,
  noHeldOutTesting,
  readTrainedOn,
  trainedOnFromCard,
} from '../../../learn/training/labelledData';
import { evaluateModel, type EvalReport } from '../../../learn/evaluation/suite';
import { summaryMarkdown, type CardSummary } from '../../../learn/evaluation/summaryMarkdown';
import {
  poisoningMarkdown,
  poisoningReport,
  runFromCard,
  type PoisoningCard,
  type PoisoningRun,
} from '../../../learn/evaluation/poisoning';
import { evalReportMarkdown } from '../../../learn/evaluation/reportMarkdown';
import { useWasmBackend } from './train';
import { DOMAIN_GUARD_FILE, parseDomainGuard } from '../../../lib/diagnosis/domainGuard';

/** Every k-th image (all classes represented, deterministic): for quick checks only. */
function evenSubset(set: ImageSet, count: number): ImageSet {
  const per = set.size * set.size * 3;
  const ids = Array.from({ length: count }, (_, i) => Math.floor((i * set.labels.length) / count));
  const pixels = new Uint8Array(ids.length * per);
  ids.forEach((id, k) => pixels.set(set.pixels.subarray(id * per, (id + 1) * per), k * per));
  return { ...set, labels: Uint8Array.from(ids, (i) => set.labels[i]), files: ids.map((i) => set.files[i]), pixels };
}

/** --summary: joins every shipped model card with its report into docs/reports/README.md. */
async function writeSummary(modelsDir = 'public/models', reportsDir = 'docs/reports'): Promise<void> {
  const rows: { card: CardSummary; report?: EvalReport }[] = [];
  for (const name of (await readdir(modelsDir)).sort()) {
    const cardPath = join(modelsDir, name, 'model-card.json');
    if (!existsSync(cardPath)) continue;
    const card = JSON.parse(await readFile(cardPath, 'utf8')) as CardSummary;
    const reportPath = join(reportsDir, `${name}.json`);
    // a model trained on all labelled data has no held-out report: one left beside it is of an earlier model
    const heldOut = !trainedOnFromCard(card).allLabelled;
    rows.push({
      card,
      report:
        heldOut && existsSync(reportPath) ? (JSON.parse(await readFile(reportPath, 'utf8')) as EvalReport) : undefined,
    });
  }
  await mkdir(reportsDir, { recursive: true });
  await writeFile(join(reportsDir, 'README.md'), summaryMarkdown(rows));
  console.log(`wrote ${join(reportsDir, 'README.md')} (${rows.length} models)`);
}

/** --poisoning DIR --name N: compares the clean and poisoned runs (every seed) whose model cards are in DIR. */
async function writePoisoningReport(dir: string, name: string, reportsDir = 'docs/reports'): Promise<void> {
  const runs: PoisoningRun[] = [];
  for (const run of (await readdir(dir)).sort()) {
    const cardPath = join(dir, run, 'model-card.json');
    if (existsSync(cardPath))
      runs.push(runFromCard(run, JSON.parse(await readFile(cardPath, 'utf8')) as PoisoningCard));
  }
  if (!runs.length) throw new UsageError(`no model cards in the run folders of ${dir}`);
  const report = poisoningReport(`Training-time poisoning: ${name.replace(/^poisoning-/, '')}`, runs);
  await mkdir(reportsDir, { recursive: true });
  await writeFile(join(reportsDir, `${name}.json`), JSON.stringify(report, null, 1));
  await writeFile(join(reportsDir, `${name}.md`), poisoningMarkdown(report));
  console.log(
    `wrote ${join(reportsDir, name)}.{json,md} (${runs.length} runs, ${report.settings.length} settings, seeds ${report.seeds.join(', ')})`,
  );
}

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = {
  values: ['poisoning', 'name', 'model', 'data', 'key', 'passphrase', 'json', 'md', 'limit', 'batch'],
  flags: ['summary', 'report', 'random-key', 'unadapted', 'attacks', 'aes'],
};

export async function run(args: ParsedArgs): Promise<void> {
  if (flag(args, 'summary')) return writeSummary();
  const poisoningDir = optionalString(args, 'poisoning');
  if (poisoningDir) return writePoisoningReport(poisoningDir, optionalString(args, 'name') ?? 'poisoning');
  const modelDir = requireOption(args, 'model');
  const dataDir = requireOption(args, 'data');
  if (!existsSync(join(modelDir, 'model.json'))) throw new UsageError(`no model.json in ${modelDir}`);
  const report = flag(args, 'report');
  const keyFile = optionalString(args, 'key');
  const randomKey = report || flag(args, 'random-key');
  if (keyFile && randomKey) throw new UsageError('use either --key or --random-key/--report');
  const name = basename(resolve(modelDir));
  const dataLabel = `${basename(dirname(resolve(dataDir)))}/${basename(resolve(dataDir))}`;
  const jsonOut = optionalString(args, 'json') ?? (report ? join('docs/reports', `${name}.json`) : undefined);
  const mdOut =
    optionalString(args, 'md') ?? (report ? join('docs/reports', `${name}.md`) : jsonOut?.replace(/\.json$/, '.md'));
  const log = (line: string) => console.log(line);
  const trainedOn = await readTrainedOn(modelDir);
  if (trainedOn.allLabelled) {
    const seen = await inSampleImages(trainedOn, dataDir);
    if (!seen.sourcesFound)
      throw new UsageError(
        `${modelDir} was trained on all labelled data, and its source folders (${trainedOn.sources.map((s) => s.folder).join(', ')}) are not found from here: cannot tell whether ${dataDir} is held out; run from where it was trained`,
      );
    if (seen.inSample > 0)
      throw new UsageError(
        `${seen.inSample} of ${seen.n} images in ${dataDir} are images the model trained on: ${noHeldOutTesting(modelDir, 'an evaluation on them')}`,
      );
  }

  await useWasmBackend();
  const model = await load({ loader: async (f) => new Uint8Array(await readFile(join(modelDir, f))) });
  try {
    let set = await loadImageSet(dataDir, model.config.imageSize, '.cache/datasets', log);
    const limit = optionalNumber(args, 'limit', 0);
    if (limit > 0 && limit < set.labels.length) set = evenSubset(set, limit);
    const plan = keyFile
      ? await bpePlans.plan(await loadKey(keyFile, optionalString(args, 'passphrase')))
      : randomKey
        ? await bpePlans.plan(await generateKey())
        : undefined;
    const guardPath = join(modelDir, DOMAIN_GUARD_FILE);
    const domainGuard = existsSync(guardPath)
      ? parseDomainGuard(await readFile(guardPath, 'utf8'), model.classes, 2 * model.config.width)
      : undefined;
    const result = await evaluateModel(model, set, {
      modelName: name,
      domainGuard,
      dataLabel,
      plan,
      keySource: keyFile ? 'key file' : 'fresh random key, discarded',
      modes: {
        unadapted: report || flag(args, 'unadapted'),
        attacks: report || flag(args, 'attacks'),
        aes: report || flag(args, 'aes'),
      },
      batch: optionalNumber(args, 'batch', 32),
      log,
    });
    const md = evalReportMarkdown(result);
    console.log('\n' + md);
    if (jsonOut) {
      await mkdir(dirname(jsonOut), { recursive: true });
      await writeFile(jsonOut, JSON.stringify(result, null, 1));
    }
    if (mdOut) {
      await mkdir(dirname(mdOut), { recursive: true });
      await writeFile(mdOut, md);
    }
    if (jsonOut || mdOut) console.log(`wrote ${[jsonOut, mdOut].filter(Boolean).join(' and ')}`);
  } finally {
    model.dispose();
  }
}
