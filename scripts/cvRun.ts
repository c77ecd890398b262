/**
 * Which cross-validation run scripts/cv-report.ts pools (issue 18): the fold split
 * (`.cache/cv/<split>/fold-K`, scripts/cv-folds.ts), the model tag and the
 * architectures scripts/cv-train.sh trained on it (`CV_SPLIT`, `CV_TAG`), and what
 * the report must say about them. Pure, so the path building and the refusals are
 * tested (cvRun.test.ts); the script only reads and writes files.
 * The release run (RELEASE_RUN, `--release`) is the only one whose figures may go into the
 * shipped models' cards; the default run (per-image split, no tag, both architectures) is the
 * first one, kept where its files always were.
 */
import { join } from 'node:path';
import { reportKinds, type CvKind } from '../src/learn/evaluation/cvReport';
import { VIEW_CLAUSE } from '../src/lib/models/views';
import { arg } from './cliRun';

export type Arch = 'vit' | 'cnn';
export const ARCHS: readonly Arch[] = ['vit', 'cnn'];

export interface CvRun {
  dataset: string;
  /** a folder name under .cache/cv holding fold-K/ and folds.json */
  split: string;
  /**
   * per architecture, between it and the dataset in the fold model names: cv-<arch><tag>-<dataset>-fold<k>
   * (`--tag`, or `--tag-vit`/`--tag-cnn` where the two candidates come from two runs of cv-train.sh on the same split)
   */
  tags: Record<Arch, string>;
  archs: Arch[];
}

/**
 * The run the shipped lung models' figures come from (their cards, their "Uncertain" thresholds,
 * their ensemble choice): grouped folds (no held-out image has a detected copy of its original in
 * training), the ViT of scripts/recipes.sh at its 30 epochs (CV_TAG=-grouped-e30 CV_EPOCHS=30), the CNN
 * at its 30 (CV_TAG=-grouped). `cv-report.ts --release` pools it; only it may write the shipped cards.
 */
export const RELEASE_RUN = {
  split: 'lung-histopathology-grouped',
  tags: { vit: '-grouped-e30', cnn: '-grouped' } as Record<Arch, string>,
  /** the reports' name: docs/reports/<prefix><name>-<dataset> */
  name: 'grouped-e30',
  /**
   * Where a recipe's own setting was chosen on these very folds (each schedule cross-validated on them,
   * the one with the more right answers kept): its figure carries that choice's selection optimism, said
   * beside it in the report and the card.
   */
  chosenOnFolds: {
    vit: "The ViT's 30 epochs were chosen on these same folds among three schedules (20 epochs: 2,806 right; 30: 2,830; 40: 2,823; docs/reports/cv-grouped-e40-lung-histopathology.md), so its figure carries a small selection optimism.",
  } as Partial<Record<Arch, string>>,
};

/**
 * The sentence on a setting chosen on the release run's folds, for any run holding that architecture's
 * release fold models (the release run, or one architecture of it alone); '' otherwise.
 */
export const selectionSentence = (r: CvRun, a: Arch): string =>
  (r.split === RELEASE_RUN.split && r.tags[a] === RELEASE_RUN.tags[a] && RELEASE_RUN.chosenOnFolds[a]) || '';

/** The flags that name a run's tags: one `--tag` where both architectures share it ('' for an empty tag, so the command re-runs). */
export function tagFlags(r: CvRun): string {
  const tags = r.archs.map((a) => r.tags[a]);
  if (tags.every((t) => t === tags[0])) return tags[0] ? `--tag ${tags[0]}` : '';
  return r.archs.map((a) => `--tag-${a} ${r.tags[a] || "''"}`).join(' ');
}

/** The flags that name a run in full (split, tags, architectures), as a command that pools it again. */
export const runFlags = (r: CvRun): string =>
  [`--split ${r.split}`, tagFlags(r), `--archs ${r.archs.join(',')}`].filter(Boolean).join(' ');

/**
 * Where a report of this run goes without `--out`: `docs/reports/<prefix><dataset>` for the default
 * (per-image) run, `<prefix><RELEASE_RUN.name>-<dataset>` for the release run; any other run must be given
 * `--out`, so it never overwrites another run's report.
 */
export function defaultReportOut(r: CvRun, prefix: string): string {
  if (isPerImageRun(r)) return `docs/reports/${prefix}${r.dataset}`;
  if (isReleaseRun(r)) return `docs/reports/${prefix}${RELEASE_RUN.name}-${r.dataset}`;
  throw new Error(`this run (${runFlags(r)}) has no report of its own: give --out docs/reports/${prefix}<name>`);
}

/** `--split`, `--tag`, `--tag-vit`, `--tag-cnn`, `--archs`, `--release` of cv-report.ts; the defaults are the first, per-image run. */
export function cvRunFromArgs(dataset: string, argv: readonly string[] = process.argv): CvRun {
  const archs = arg('archs', ARCHS.join(','), argv)
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of archs)
    if (!ARCHS.includes(a as Arch)) throw new Error(`--archs: unknown architecture "${a}" (vit, cnn)`);
  if (!archs.length || new Set(archs).size !== archs.length)
    throw new Error('--archs: one or both of vit,cnn, each once');
  const release = argv.includes('--release');
  const split = arg('split', release ? RELEASE_RUN.split : dataset, argv);
  const tag = arg('tag', '', argv);
  const tags = Object.fromEntries(
    ARCHS.map((a) => [a, arg(`tag-${a}`, release && !tag ? RELEASE_RUN.tags[a] : tag, argv)]),
  ) as Record<Arch, string>;
  // fold models are named by tag, not split: another split without a tag would score the per-image models
  if (split !== dataset && ARCHS.some((a) => archs.includes(a) && !tags[a]))
    throw new Error(`--split ${split} needs the --tag its fold models were trained with (CV_TAG of cv-train.sh)`);
  return {
    dataset,
    split,
    tags,
    // in ARCHS order, so the report's rows and the model list do not depend on how they were typed
    archs: ARCHS.filter((a) => archs.includes(a)),
  };
}

/**
 * The first, per-image run (default split, no tag, both architectures): its files keep the paths and keys
 * they always had. Its fold models see copies of their held-out images, so it no longer writes the cards.
 */
export const isPerImageRun = (r: CvRun) =>
  r.split === r.dataset && ARCHS.every((a) => r.tags[a] === '') && r.archs.length === ARCHS.length;

export const isReleaseRun = (r: CvRun) =>
  r.split === RELEASE_RUN.split &&
  r.archs.length === ARCHS.length &&
  ARCHS.every((a) => r.tags[a] === RELEASE_RUN.tags[a]);

/** Why `--write-cards` is refused for this run, or undefined where the shipped cards may take its figures. */
export function writeCardsRefusal(r: CvRun): string | undefined {
  if (isReleaseRun(r)) return undefined;
  return (
    `--write-cards writes the shipped models' cards, so only the release run may (--release: --split ${RELEASE_RUN.split} ` +
    `--tag-vit ${RELEASE_RUN.tags.vit} --tag-cnn ${RELEASE_RUN.tags.cnn}, both architectures) ` +
    `(this run: --split ${r.split}${tagFlags(r) ? ` ${tagFlags(r)}` : ''} --archs ${r.archs.join(',')}). Nothing was written.`
  );
}

export const foldDataDir = (r: CvRun, fold: number) => join('.cache/cv', r.split, `fold-${fold}`);

export const foldModelDir = (r: CvRun, arch: Arch, fold: number) =>
  join('.cache/cv/models', `cv-${arch}${r.tags[arch]}-${r.dataset}-fold${fold}`);

/** Where the selective study of a fold goes: the per-image run's place as before, any other run beside it. */
export const foldStudyPath = (r: CvRun, fold: number) =>
  join(
    '.cache/cv/reports',
    // each architecture with its own tag, so two runs that differ in which architecture has a tag never share a folder
    isPerImageRun(r) ? '' : `${r.split}-${r.archs.map((a) => `${a}${r.tags[a]}`).join('-')}`,
    `fold-${fold}`,
  );

/** The candidates the report has rows for: each architecture, and their ensemble only where there are two. */
export const cvKinds = (r: CvRun): CvKind[] => reportKinds(r);

/** The candidate a selective-study row is, by its members' folder names (model names carry the tag, so match them whole). */
export function kindOfMembers(r: CvRun, fold: number, members: readonly string[]): CvKind {
  if (members.length > 1) return 'ensemble';
  const arch = r.archs.find((a) => foldModelDir(r, a, fold).endsWith(members[0]));
  if (!arch) throw new Error(`fold ${fold}: candidate ${members[0]} is none of ${r.archs.join(', ')}`);
  return arch;
}

/**
 * How the fold models drew the validation split inside their training (their cards'
 * data.validationGroups: `train --groups`, which cv-train.sh passes for grouped folds).
 */
export type FoldValidation = 'per image' | 'grouped' | 'mixed';

/** From each scored fold model's card: whether it records a grouped validation split. */
export function foldValidation(groupedPerModel: readonly boolean[]): FoldValidation {
  if (groupedPerModel.length && groupedPerModel.every(Boolean)) return 'grouped';
  return groupedPerModel.some(Boolean) ? 'mixed' : 'per image';
}

const VALIDATION_USES = 'used for the epoch choice, the view choice, the temperature and the "Uncertain" threshold';

/** what a held-out original is, in the dataset's words: a lung slide's tissue, a brain scan */
const unseen = (dataset: string) => (dataset === 'brain-mri' ? 'unseen scans' : 'unseen tissue');

/** The grouped report's words on the validation split inside each fold's training. */
function validationWords(v: FoldValidation, dataset: string): string {
  if (v === 'grouped')
    return (
      `The validation split inside each fold's training (a seeded 10 %, ${VALIDATION_USES}) took whole groups too (train --groups fold-K/groups.json; each fold model's card: data.validationGroups): ` +
      "no validation image has a detected copy of its original in the fold's training part, so each fold's temperature and threshold are fitted on unseen originals (copies the descriptor missed may still leak). "
    );
  if (v === 'mixed')
    return (
      `The validation split inside the folds' training (${VALIDATION_USES}) was drawn by whole groups for some fold models and per image for others (their cards: data.validationGroups): ` +
      'the per-image ones see copies of their validation images, so the "answered at the fold\'s threshold" column mixes fits that are over-confident with fits that are not. '
    );
  return (
    `The validation split inside each fold's training (a seeded 10 % drawn per image, ${VALIDATION_USES}) is still per image: ` +
    `those fits see copies of their validation images, so each fold's temperature and threshold are over-confident (fitted on images easier than ${unseen(dataset)}: on it the rule may answer more, less accurately, than its target). `
  );
}

/**
 * What the report says about its split and models, '' for the per-image run (its report
 * stays as it was). `grouped`: the split's folds.json names a groups file (cv-folds.ts --groups);
 * `validation`: how its fold models drew their validation split (foldValidation).
 */
export function splitSentence(r: CvRun, grouped: boolean, validation: FoldValidation = 'per image'): string {
  const parts: string[] = [];
  if (grouped)
    parts.push(
      `Split \`${r.split}\`: grouped folds — every near-duplicate group (the images presumed to be copies of one original; docs/reports/near-duplicates-${r.dataset}.md) lies in one fold, ` +
        `so no held-out image has a detected copy of its original on the training side, and the out-of-fold accuracy estimates that on ${unseen(r.dataset)} of the same source (copies the descriptor missed may still leak). ` +
        validationWords(validation, r.dataset) +
        'The figures themselves are measured on held-out images with no detected copy in training, and the threshold fitted on out-of-fold predictions (second table) on such images too: neither is made optimistic by it.',
    );
  else if (r.split !== r.dataset) parts.push(`Split \`${r.split}\` (.cache/cv/${r.split}/).`);
  const tagged = r.archs.filter((a) => r.tags[a]);
  if (tagged.length)
    parts.push(
      `Models: ${tagged.map((a) => `.cache/cv/models/cv-${a}${r.tags[a]}-${r.dataset}-fold<k>`).join(', ')} ` +
        `(scripts/cv-train.sh with ${[...new Set(tagged.map((a) => `CV_TAG=${r.tags[a]}`))].join(', ')}; the shipped recipe unless that run changed it, e.g. CV_EPOCHS).`,
    );
  return parts.join(' ');
}

/** The report's choice line where it has a single architecture: nothing to choose between. */
export const singleCandidateLine = (r: CvRun) =>
  `No choice: this run has one candidate (${r.archs[0]}), so the report compares nothing; it states that candidate's out-of-fold figures.`;

/** What cv-report.ts compares between the fold models' cards and the shipped model's (model-card.json `training`). */
export interface ShippedTraining {
  augmentation: string;
  epochs: number;
  method: string;
  seed: number;
  /** the test-time views; `setAfterTraining` where scripts/cv-views.ts set them on a trained fold model */
  viewEnsemble?: { candidate?: string; chosen?: string | null; setAfterTraining?: string } | null;
}

/**
 * A card's method line without the clause on test-time views: each model chooses those on its own
 * validation, so fold models and the shipped one differ there under the same recipe.
 */
export const recipeMethod = (method: string): string =>
  method
    .split('; ')
    .filter((clause) => !clause.startsWith(VIEW_CLAUSE))
    .join('; ');

/**
 * The settings of a model.json `config` that make one network another shape than a second one, in
 * words: "width 96, depth 4, heads 4, mlpDim 192, tokenMlpDim 192" (only those the config has).
 */
const SHAPE_KEYS = [
  'width',
  'depth',
  'heads',
  'mlpDim',
  'tokenMlpDim',
  'embedDim',
  'stemMlpDim',
  'relativeBias',
  'kernel',
  'mlpRatio',
] as const;
export const networkShape = (config: Record<string, unknown>): string =>
  SHAPE_KEYS.filter((k) => config[k] !== undefined)
    .map((k) => `${k} ${String(config[k])}`)
    .join(', ');
