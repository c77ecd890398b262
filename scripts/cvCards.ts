/**
 * scripts/cv-report.ts --write-cards: a shipped model's card gains its recipe's
 * out-of-fold figures (model-card.json `crossValidation`, README.md "Cross-validation
 * of this recipe", both replaced on a re-run). Never its model.json: the pooled
 * "Uncertain" threshold is only reported here; the one writer of a shipped threshold is
 * `cipherscan selective --write --thresholds-from CV.json` (src/apps/cli/commands/selectiveWrite.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rate } from '../src/learn/evaluation/domainGuardReport';
import type { GroupInterval } from '../src/learn/evaluation/groupBootstrap';
import {
  byOriginalsPhrase,
  crossValidationBlock,
  cvRate,
  outOfFoldSentence,
  type CvFigures,
} from '../src/learn/evaluation/cvReport';
import { trainedOnFromCard } from '../src/learn/training/labelledData';
import { GROUPED_GUARANTEE, HELD_OUT_ORIGINALS, PER_IMAGE_CAVEAT, UNSEEN_TISSUE } from '../src/lib/diagnosis/cvChoice';

/** One architecture's figures from the pooled report, as the card shows them (cvReport.ts builds the block). */
export interface CvCardFigures extends CvFigures {
  folds: number;
  /** the report's path without extension (docs/reports/cv-DS) */
  out: string;
  /** the flags that name the run pooled (cvRun.ts runFlags), written out so the card's command stays that run's */
  runFlags?: string;
  foldAugmentation: string;
  /** '' when the folds trained with the shipped augmentation */
  caveat: string;
  accuracy: Rate;
  perFold: string[];
  abstention: { coverage: number; accuracy: Rate; ece: number; nll: number; at90: Rate };
  pooledThreshold: {
    nested: { coverage: number; accuracy: Rate; byOriginals?: GroupInterval };
    minConfidence?: number;
    n: number;
    fittedOn?: string;
    rule?: string;
  };
  target: number;
  ensemble: Rate;
  choice: string;
}

const HEADING = '## Cross-validation of this recipe';
/** scripts/cvGroupedCards.ts's section: a block of grouped folds makes it redundant */
const GROUPED_HEADING = `## Cross-validation on ${HELD_OUT_ORIGINALS}`;

/** The command that ships the report's thresholds (and the ensemble where it chose it). */
export function thresholdCommand(dataset: string, out: string, choice: string | null): string {
  return (
    `npm run cli -- selective --data ../shared/datasets/${dataset} ` +
    `--models public/models/vit-${dataset},public/models/cnn-${dataset} --write --thresholds-from ${out}.json` +
    (choice === 'ensemble' ? ` --ensemble-from ${out}.json` : '')
  );
}

export function writeCrossValidationCard(dir: string, f: CvCardFigures): void {
  const cardPath = join(dir, 'model-card.json');
  const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown>;
  const command = `npx tsx scripts/cv-report.ts${f.runFlags ? ` ${f.runFlags}` : ''} --folds ${f.folds} --out ${f.out} --write-cards`;
  const shipBy = `cipherscan selective --write --thresholds-from ${f.out}.json`;
  const p = f.pooledThreshold;
  // a grouped figure (scripts/cv-grouped-cards.ts) is of another report: a re-run of this one keeps it, and
  // the page drops it by itself if the card's recipe has changed (its `recipe` fingerprint, cardRecipe.ts)
  // a block of grouped folds is itself the grouped figure: the other report's block and section go
  const grouped = f.groupedSplit ? undefined : (card.crossValidation as { grouped?: unknown } | undefined)?.grouped;
  card.crossValidation = {
    report: `${f.out}.json`,
    ...crossValidationBlock(f, command),
    threshold: { ...p, shippedBy: shipBy },
    grouped,
  };
  writeFileSync(cardPath, JSON.stringify(card, null, 1));
  const readmePath = join(dir, 'README.md');
  const noTesting = trainedOnFromCard(card).allLabelled
    ? ' (this model trained on all labelled data: it has no Testing figure)'
    : "; the Testing figure above is one split's, read many times, and optimistic";
  const folds = f.groupedSplit
    ? `These folds keep every near-duplicate group together (split \`${f.groupedSplit}\`, docs/reports/near-duplicates-*.md): ${GROUPED_GUARANTEE}, so the figure estimates ${UNSEEN_TISSUE}${noTesting}. `
    : // per-image folds: where a dataset holds several copies of one original they straddle the folds
      `These folds were dealt per image: where the dataset holds copies of one original (docs/reports/near-duplicates-*.md), they are ${PER_IMAGE_CAVEAT}, and the grouped folds' figure ("Cross-validation on ${HELD_OUT_ORIGINALS}", where measured) is the better estimate${noTesting}. `;
  const section = [
    HEADING,
    '',
    `${outOfFoldSentence(f)} ` +
      `The "Uncertain" threshold fitted on the ${p.fittedOn ?? '–'} (${p.rule ?? 'same rule'}, target ${f.target * 100} %) is ${p.minConfidence?.toFixed(4) ?? '–'}; by nested cross-validation it answers ${(p.nested.coverage * 100).toFixed(1)} % at ${cvRate(p.nested.accuracy)}` +
      (p.nested.byOriginals ? ` (${byOriginalsPhrase(p.nested.byOriginals)})` : '') +
      '. ' +
      `\`${shipBy}\` ships it in place of the one fitted on the validation split (the section "Uncertain — refer for review" gives the threshold in use). ` +
      folds +
      (f.caveat ? `${f.caveat} ` : '') +
      (f.selection ? `${f.selection} ` : '') +
      (f.ensemble ? `ViT + CNN ensemble ${cvRate(f.ensemble)}; choice: ${f.choice}. ` : '') +
      `\`${command}\`.`,
    '',
  ].join('\n');
  const readme = withSection(readFileSync(readmePath, 'utf8'), HEADING, section);
  writeFileSync(readmePath, f.groupedSplit ? withoutSection(readme, GROUPED_HEADING) : readme);
}

/** A card README without the section under `heading` (up to the next "## "), or as it was where it has none. */
export function withoutSection(text: string, heading: string): string {
  const start = text.indexOf(heading);
  if (start < 0) return text;
  const next = text.indexOf('\n## ', start + heading.length);
  return next < 0 ? text.slice(0, start).trimEnd() + '\n' : text.slice(0, start) + text.slice(next + 1);
}

/**
 * A card README with the section under `heading` (up to the next "## ") replaced by
 * `section`, or `section` appended where it has none: a re-run gives the same file.
 */
export function withSection(text: string, heading: string, section: string): string {
  const start = text.indexOf(heading);
  const next = start < 0 ? -1 : text.indexOf('\n## ', start + heading.length);
  return start < 0
    ? text.trimEnd() + '\n\n' + section
    : text.slice(0, start) + section + (next < 0 ? '' : text.slice(next + 1));
}
