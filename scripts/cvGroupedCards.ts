/**
 * scripts/cv-grouped-cards.ts: a shipped model's card gains its recipe's grouped
 * cross-validation figure (model-card.json `crossValidation.grouped`, README.md
 * "Cross-validation on held-out originals", both replaced on a re-run). Grouped folds
 * keep every near-duplicate group (presumed original) in one fold, so no held-out image
 * has a copy of its original in training: the figure for tissue the model never saw.
 * The per-image folds' figure beside it (scripts/cvCards.ts) is optimistic for that.
 * The block carries the fingerprint of the card's recipe (`recipe`,
 * src/lib/diagnosis/cardRecipe.ts): the page ignores it once a later writer (a retrain,
 * another recipe's cards) has changed the card's recipe, so no writer has to remember to
 * drop it.
 * Must never: write a figure from a report with a fold missing or per-image folds, or
 * fold models of another recipe than the card's (a caveat, another augmentation), or
 * touch the card of an architecture the report did not score.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cvRate } from '../src/learn/evaluation/cvReport';
import {
  GROUPED_GUARANTEE,
  HELD_OUT_ORIGINALS,
  isGroupedSplit,
  readRate,
  UNSEEN_TISSUE,
} from '../src/lib/diagnosis/cvChoice';
import type { EnsembleRate as Rate } from '../src/lib/diagnosis/ensemble';
import { isObject } from '../src/lib/json/isObject';
import { cardRecipe } from '../src/lib/diagnosis/cardRecipe';
import { withSection } from './cvCards';

export type GroupedArchitecture = 'vit' | 'cnn';

/** What a grouped cross-validation report gives the cards. */
export interface GroupedFigures {
  dataset: string;
  folds: number;
  split: string;
  /** the report's path, as given on the command line */
  source: string;
  /** only the architectures the report scored */
  rates: Partial<Record<GroupedArchitecture, Rate>>;
  /** the augmentations the fold models trained with, where the report records them */
  foldAugmentations?: Partial<Record<GroupedArchitecture, string[]>>;
}

/** scripts/cvCards.ts points readers to this section by its title */
const HEADING = `## Cross-validation on ${HELD_OUT_ORIGINALS}`;

/** The note every card's grouped block carries. */
export const groupedNote = (dataset: string) =>
  `folds keep every near-duplicate group (presumed original) together: ${GROUPED_GUARANTEE} (docs/reports/near-duplicates-${dataset}.md)`;

/** The figures of a parsed grouped report (scripts/cv-report.ts's shape), or throws saying why it cannot be carried. */
export function groupedFigures(report: unknown, source: string): GroupedFigures {
  if (!isObject(report) || typeof report.dataset !== 'string' || !isObject(report.rates))
    throw new Error(`${source}: not a cross-validation report (dataset, rates)`);
  const { folds, scored, missing } = report;
  if (typeof folds !== 'number' || !Number.isInteger(folds) || folds < 2) throw new Error(`${source}: no fold count`);
  if (scored !== folds || (Array.isArray(missing) && missing.length > 0))
    throw new Error(`${source}: every fold must be scored (${String(scored)} of ${folds})`);
  if (!isGroupedSplit(report.split) || report.grouped !== true)
    throw new Error(
      `${source}: split ${JSON.stringify(report.split)} is not grouped (its name must end in "-grouped" and its folds.json name a groups file)`,
    );
  // the shipped cards take only the shipped recipe's figures: a changed augmentation (caveat) or schedule (CV_EPOCHS) is another recipe
  if (report.caveat) throw new Error(`${source}: ${String(report.caveat)}: not the shipped recipe's figures`);
  const rates: GroupedFigures['rates'] = {};
  for (const arch of ['vit', 'cnn'] as const) {
    if (report.rates[arch] === undefined) continue;
    const r = readRate(report.rates[arch]);
    if (!r) throw new Error(`${source}: rates.${arch} does not read as {k, n, rate, low, high}`);
    rates[arch] = r;
  }
  if (!Object.keys(rates).length) throw new Error(`${source}: no ViT or CNN figure in rates`);
  const foldAugmentations = isObject(report.foldAugmentations)
    ? (report.foldAugmentations as GroupedFigures['foldAugmentations'])
    : undefined;
  return {
    dataset: report.dataset,
    folds,
    split: report.split,
    source,
    rates,
    ...(foldAugmentations && { foldAugmentations }),
  };
}

/** The card block of one architecture; `recipe`: the card's (cardRecipe), which the reader checks. */
export function groupedBlock(f: GroupedFigures, accuracy: Rate, recipe: string) {
  return { folds: f.folds, split: f.split, accuracy, note: groupedNote(f.dataset), source: f.source, recipe };
}

/** The card's training augmentation against the fold models': a sibling recipe's figure is refused. */
function checkFoldAugmentation(
  f: GroupedFigures,
  arch: GroupedArchitecture,
  dir: string,
  card: Record<string, unknown>,
) {
  const folds = f.foldAugmentations?.[arch];
  const mine = isObject(card.training) ? card.training.augmentation : undefined;
  if (folds && !folds.every((a) => a === mine))
    throw new Error(
      `${dir}: the ${arch} fold models trained with "${folds.join(', ')}", this model with "${String(mine)}": not its recipe's figure`,
    );
}

/** The README section of one architecture. */
export function groupedSection(f: GroupedFigures, accuracy: Rate): string {
  return [
    HEADING,
    '',
    `The recipe retrained ${f.folds} times with folds that keep every near-duplicate group (presumed original) together (split ${f.split}; docs/reports/near-duplicates-${f.dataset}.md), ` +
      `so ${GROUPED_GUARANTEE}: out-of-fold accuracy ${cvRate(accuracy)} (${accuracy.n.toLocaleString('en')} images). ` +
      `This is the better estimate for ${UNSEEN_TISSUE} (copies the descriptor missed may still leak, so it can still be optimistic); the per-image folds above held out images whose original may have had copies in training, so their figure is optimistic for it. ` +
      `\`npx tsx scripts/cv-grouped-cards.ts --report ${f.source}\`.`,
    '',
  ].join('\n');
}

/**
 * Writes each scored architecture's block and README section into its card under
 * `modelsDir/ARCH-DATASET`; checks every card first, so a refusal writes nothing.
 * Returns the folders written.
 */
export function writeGroupedCards(modelsDir: string, f: GroupedFigures): string[] {
  const targets = (Object.entries(f.rates) as [GroupedArchitecture, Rate][]).map(([arch, accuracy]) => {
    const dir = join(modelsDir, `${arch}-${f.dataset}`);
    const card = JSON.parse(readFileSync(join(dir, 'model-card.json'), 'utf8')) as Record<string, unknown>;
    if (!isObject(card.crossValidation))
      throw new Error(`${dir}: its card has no crossValidation block (scripts/cv-report.ts --write-cards first)`);
    checkFoldAugmentation(f, arch, dir, card);
    return { dir, card, cv: card.crossValidation, accuracy, readme: readFileSync(join(dir, 'README.md'), 'utf8') };
  });
  for (const t of targets) {
    t.cv.grouped = groupedBlock(f, t.accuracy, cardRecipe(t.card));
    writeFileSync(join(t.dir, 'model-card.json'), JSON.stringify(t.card, null, 1));
    writeFileSync(join(t.dir, 'README.md'), withSection(t.readme, HEADING, groupedSection(f, t.accuracy)));
  }
  return targets.map((t) => t.dir);
}
