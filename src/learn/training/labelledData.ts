/**
 * Node-only: which labelled images a model trained on, read from its model card,
 * and the image pool its seeded validation split is cut from. The one place that
 * decides whether a dataset's Testing split is held out for a model:
 * `cipherscan train --all-labelled` trains on Training + Testing merged (issue 18:
 * "the shipped model may then be trained on all labelled data"), its card says
 * `data.allLabelled: true`, and every later command (calibrate, guard, selective,
 * eval) asks `readTrainedOn` and then computes no Testing figure for it: its
 * accuracy claim is the cross-validation figure in its card. Never presents an
 * in-sample figure as held out; never logs pixels.
 */
import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { cardTraining } from '../../lib/diagnosis/cardTraining';
import type { ImageSet } from '../evaluation/batchPredict';
import { listImages, loadImageSet } from './dataset';
import { readValidationGroups, type GroupsRef, type ValidationGroups } from './validationGroups';

export interface TrainedOn {
  /** true: Training + Testing were the training pool; no split of the dataset is held out */
  allLabelled: boolean;
  /** the folders the pool came from (relative to where the CLI ran), with their image counts */
  sources: { folder: string; images: number }[];
  /** the groups the validation split was drawn by (`train --groups`); absent: per image */
  validationGroups?: GroupsRef;
}

/** A card without the flag (every model released before it, test fixtures without a card): Testing is held out. */
export function trainedOnFromCard(card: unknown): TrainedOn {
  const data = (card as { data?: { sources?: unknown; validationGroups?: Partial<GroupsRef> } } | null)?.data;
  const sources = Array.isArray(data?.sources) ? (data.sources as TrainedOn['sources']) : [];
  const groups = data?.validationGroups;
  // the flag as the page's model discovery reads it (registry.ts ModelEntry.allLabelled)
  return {
    allLabelled: cardTraining(card).allLabelled,
    sources,
    ...(groups?.file && groups.sha256 ? { validationGroups: { file: groups.file, sha256: groups.sha256 } } : {}),
  };
}

export async function readTrainedOn(modelDir: string): Promise<TrainedOn> {
  const path = join(modelDir, 'model-card.json');
  if (!existsSync(path)) return { allLabelled: false, sources: [] };
  return trainedOnFromCard(JSON.parse(await readFile(path, 'utf8')));
}

/** What a command says instead of a Testing figure for an all-labelled model. */
export function noHeldOutTesting(modelDirs: string | string[], what: string): string {
  const dirs = typeof modelDirs === 'string' ? [modelDirs] : modelDirs;
  const one = dirs.length === 1;
  return (
    `${dirs.join(' and ')} ${one ? 'was' : 'were'} trained on all labelled data (Training + Testing, model-card.json data.allLabelled): ` +
    `${one ? 'it has' : 'they have'} no held-out Testing split, so ${what} is not computed; ` +
    `${one ? 'its accuracy claim is the cross-validation figure in its card' : 'their accuracy claims are the cross-validation figures in their cards'}`
  );
}

/**
 * How a figure computed on DS/Testing through `modelDir`'s trunk or head is labelled, for the
 * commands and benches that still compute one for comparison (federated heads, the CKKS head
 * bench): held out, or in-sample with the sentence why (`what`: the figures, e.g. "the heads'
 * Testing accuracies").
 */
export interface TestingScope {
  inSample: boolean;
  note: string;
}

export async function testingScope(modelDir: string, what: string): Promise<TestingScope> {
  if (!(await readTrainedOn(modelDir)).allLabelled)
    return { inSample: false, note: `Testing is held out from ${modelDir} (its card does not say it trained on it)` };
  return {
    inSample: true,
    note:
      `${modelDir} was trained on all labelled data (Training + Testing, model-card.json data.allLabelled): ` +
      `every Testing image was in its training pool, so ${what} are in-sample (optimistic), not held out; ` +
      'they compare methods on the same images, and its accuracy claim on unseen scans is the cross-validation figure in its card',
  };
}

/** Two image sets of the same classes as one (Training first): the pool an all-labelled model trains on. */
export function mergeImageSets(parts: { name: string; set: ImageSet }[]): ImageSet {
  const [first] = parts;
  for (const p of parts)
    if (p.set.classes.join() !== first.set.classes.join() || p.set.size !== first.set.size)
      throw new Error(
        `${p.name} classes (${p.set.classes.join(', ')}) differ from ${first.name} classes (${first.set.classes.join(', ')})`,
      );
  const pixels = new Uint8Array(parts.reduce((s, p) => s + p.set.pixels.length, 0));
  let at = 0;
  for (const p of parts) {
    pixels.set(p.set.pixels, at);
    at += p.set.pixels.length;
  }
  return {
    classes: first.set.classes,
    size: first.set.size,
    labels: Uint8Array.from(parts.flatMap((p) => Array.from(p.set.labels))),
    files: parts.flatMap((p) => p.set.files.map((f) => `${p.name}/${f}`)),
    pixels,
  };
}

export interface LabelledData {
  /** the images the seeded validation split is cut from: Training, or Training + Testing merged */
  pool: ImageSet;
  /** 'Training' or 'Training + Testing' (for logs and "fitted on" lines) */
  poolName: string;
  /** each pool image's path relative to the data folder (`Training/<class>/<file>`): how a groups file names it */
  poolKeys: string[];
  sources: TrainedOn['sources'];
  /** Testing, only where it is held out from the model (and exists) */
  testing?: ImageSet;
}

/**
 * DS/Training (and DS/Testing beside it when held out), or both merged for an
 * all-labelled model — in the order `cipherscan train --all-labelled` merged them,
 * so the seeded split gives the same validation images it trained and chose with.
 */
export async function loadLabelledData(
  dataDir: string,
  size: number,
  allLabelled: boolean,
  log: (line: string) => void,
  opts: { testing?: boolean } = {},
): Promise<LabelledData> {
  const load = (split: string) => loadImageSet(join(dataDir, split), size, '.cache/datasets', log);
  const folder = (split: string) => relative(process.cwd(), resolve(dataDir, split)) || '.';
  const training = await load('Training');
  const hasTesting = existsSync(join(dataDir, 'Testing'));
  if (!allLabelled) {
    const testing = opts.testing !== false && hasTesting ? await load('Testing') : undefined;
    if (testing && testing.classes.join() !== training.classes.join())
      throw new Error(
        `Testing classes (${testing.classes.join(', ')}) differ from Training classes (${training.classes.join(', ')})`,
      );
    return {
      pool: training,
      poolName: 'Training',
      poolKeys: training.files.map((f) => `Training/${f}`),
      sources: [{ folder: folder('Training'), images: training.labels.length }],
      testing,
    };
  }
  if (!hasTesting) throw new Error(`${dataDir} has no Testing folder to pool with Training`);
  const testing = await load('Testing');
  const pool = mergeImageSets([
    { name: 'Training', set: training },
    { name: 'Testing', set: testing },
  ]);
  return {
    pool,
    poolName: 'Training + Testing',
    poolKeys: pool.files,
    sources: [
      { folder: folder('Training'), images: training.labels.length },
      { folder: folder('Testing'), images: testing.labels.length },
    ],
  };
}

/**
 * The groups the model's validation split was drawn by (its card's `data.validationGroups`),
 * read for this pool and checked against the card's sha256; undefined for a per-image split.
 * calibrate, guard and selective call it, so they cut the split the trainer chose with.
 */
export async function validationGroupsOf(
  trainedOn: TrainedOn,
  data: Pick<LabelledData, 'poolKeys'>,
  log: (line: string) => void,
): Promise<ValidationGroups | undefined> {
  const ref = trainedOn.validationGroups;
  return ref ? readValidationGroups(ref.file, data.poolKeys, log, ref.sha256) : undefined;
}

/**
 * How many images of the folder `dir` (one sub-folder per class) are files an
 * all-labelled model trained on, links followed (the CV folds are links): 0 for
 * any other model. `sourcesFound` false: the card's source folders do not resolve
 * from here, so nothing could be checked.
 */
export async function inSampleImages(
  trainedOn: TrainedOn,
  dir: string,
): Promise<{ inSample: number; n: number; sourcesFound: boolean }> {
  const { files } = await listImages(dir);
  if (!trainedOn.allLabelled) return { inSample: 0, n: files.length, sourcesFound: true };
  const roots = trainedOn.sources
    .map((s) => resolve(s.folder))
    .filter(existsSync)
    .map((r) => realpathSync(r) + sep);
  const inSample = files.filter((f) => {
    const real = realpathSync(join(dir, f));
    return roots.some((r) => real.startsWith(r));
  }).length;
  return { inSample, n: files.length, sourcesFound: roots.length === trainedOn.sources.length && roots.length > 0 };
}
