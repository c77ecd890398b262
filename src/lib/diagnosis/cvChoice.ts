/**
 * What a shipped model's card says about k-fold cross-validation (model-card.json
 * `crossValidation`, written by scripts/cv-report.ts --write-cards: scripts/cvCards.ts):
 * the recipe's out-of-fold accuracy and which candidate the report chose (ViT,
 * Masked-CNN or their ensemble). Where it chose a single network, that network is
 * its dataset's default in the page, with one line saying why built from these
 * figures (the ensemble's line comes from ensemble.json: ensemble.ts ensembleWhy).
 *
 * A card may also quote the grouped cross-validation (`crossValidation.grouped`, written
 * by scripts/cv-grouped-cards.ts): folds that keep every near-duplicate group (presumed
 * original) together, so no held-out image has a copy of its original in training —
 * the figure for unseen tissue; the per-image folds' figure is optimistic for it. The
 * block carries the fingerprint of the card's recipe it was written for (`recipe`,
 * cardRecipe.ts; the writer checked the fold models against it): where the card has
 * since been rewritten for another recipe, the block is of that other recipe and is ignored.
 *
 * Where the block itself is of grouped folds (`split`, the release run since stop 30), its
 * figure is the grouped one and its choice was made on held-out originals.
 *
 * Must never: make up a figure; a card without a readable block gives none (an unreadable
 * `grouped` block, or one of another recipe than the card's, gives no grouped figure, and leaves the rest).
 */
import { isObject } from '../json/isObject';
import { cardRecipe } from './cardRecipe';
import { MEMBER_LABELS, type EnsembleRate } from './ensemble';
import { percentOfRate } from './percent';

export type CvCandidate = 'vit' | 'cnn' | 'ensemble';

/** The part of a card's `crossValidation` block the page uses. */
export interface CardCrossValidation {
  folds: number;
  /** this recipe's out-of-fold accuracy */
  accuracy: EnsembleRate;
  /** what the report chose; null where it chose none (folds missing) */
  choice: CvCandidate | null;
  /** the grouped folds' out-of-fold accuracy, where the card quotes one (the block's own figure where its folds are grouped) */
  grouped?: GroupedCrossValidation;
  /** true where the block itself is of grouped folds (`split`), so its choice was made on held-out originals */
  groupedFolds?: true;
}

/** Cross-validation whose folds keep every near-duplicate group together. */
export interface GroupedCrossValidation {
  folds: number;
  /** the folds' split name; always ends in "-grouped" */
  split: string;
  accuracy: EnsembleRate;
}

/**
 * The grouped folds' claim, in the one wording every place that shows it uses (the page,
 * the reports summary, the cards' README): a figure "on held-out originals (grouped
 * folds)", because no held-out image has a detected copy of its original in training, so
 * it is the better estimate for unseen tissue of the same source; the per-image folds'
 * figure is optimistic for it. Copies the near-duplicate descriptor missed may still leak.
 */
export const HELD_OUT_ORIGINALS = 'held-out originals';
/** "90.4 % on held-out originals (grouped folds)" */
export const GROUPED_FIGURE_NAME = `${HELD_OUT_ORIGINALS} (grouped folds)`;
/** What grouped folds guarantee, as far as the near-duplicate descriptor sees. */
export const GROUPED_GUARANTEE = 'no held-out image has a detected copy of its original in training';
/** What the grouped figure estimates. */
export const UNSEEN_TISSUE = 'unseen tissue of the same source';
/** The per-image folds' figure beside a grouped one. */
export const PER_IMAGE_CAVEAT = 'optimistic for unseen tissue';

const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const unit = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** A {k, n, rate, low, high} block as the cards and the cross-validation reports write it, or undefined. */
export function readRate(v: unknown): EnsembleRate | undefined {
  if (!isObject(v) || !count(v.k) || !count(v.n) || v.n === 0 || v.k > v.n) return undefined;
  if (!unit(v.rate) || !unit(v.low) || !unit(v.high)) return undefined;
  return { k: v.k, n: v.n, rate: v.rate, low: v.low, high: v.high };
}

/** A parsed model-card.json's `crossValidation` block, or undefined where it has none or it does not read. */
export function cardCrossValidation(card: unknown): CardCrossValidation | undefined {
  const cv = isObject(card) ? card.crossValidation : undefined;
  if (!isObject(cv) || !count(cv.folds) || cv.folds < 2) return undefined;
  const accuracy = readRate(cv.accuracy);
  const choice = cv.choice === null || cv.choice === undefined ? null : cv.choice;
  if (!accuracy || (choice !== null && choice !== 'vit' && choice !== 'cnn' && choice !== 'ensemble')) return undefined;
  // a block of grouped folds is its own grouped figure (scripts/cv-report.ts --release --write-cards)
  if (isGroupedSplit(cv.split))
    return {
      folds: cv.folds,
      accuracy,
      choice,
      grouped: { folds: cv.folds, split: cv.split, accuracy },
      groupedFolds: true,
    };
  const grouped = groupedCrossValidation(cv.grouped, cardRecipe(card));
  return { folds: cv.folds, accuracy, choice, ...(grouped && { grouped }) };
}

export const isGroupedSplit = (v: unknown): v is string => typeof v === 'string' && /.-grouped$/.test(v);

/** `recipe`: the card's own (cardRecipe); the block's must be the same, or it speaks of another model. */
function groupedCrossValidation(v: unknown, recipe: string): GroupedCrossValidation | undefined {
  if (!isObject(v) || !count(v.folds) || v.folds < 2 || !isGroupedSplit(v.split) || v.recipe !== recipe)
    return undefined;
  const accuracy = readRate(v.accuracy);
  return accuracy && { folds: v.folds, split: v.split, accuracy };
}

/**
 * One line for people: why this single network is the default, from its card and, where the other
 * network's card comes from the same cross-validation, that one's figure too; e.g.
 * "best in 5-fold cross-validation — ViT 94.3 % vs Masked-CNN 93.2 % (out of fold)", and the
 * chosen one's grouped figure where its card quotes one ("; 91.0 % on held-out originals (grouped folds)").
 */
export function singleDefaultWhy(
  chosen: { architecture: 'vit' | 'cnn'; crossValidation: CardCrossValidation },
  other?: { architecture: 'vit' | 'cnn'; crossValidation?: CardCrossValidation },
): string {
  const cv = chosen.crossValidation;
  const mine = `${MEMBER_LABELS[chosen.architecture]} ${percentOfRate(cv.accuracy)}`;
  const theirs = other?.crossValidation;
  const sameRun =
    theirs &&
    theirs.folds === cv.folds &&
    theirs.choice === cv.choice &&
    theirs.groupedFolds === cv.groupedFolds &&
    // two grouped blocks are one run only on the same split
    (!cv.groupedFolds || theirs.grouped?.split === cv.grouped?.split);
  if (cv.groupedFolds)
    return sameRun
      ? `best in ${cv.folds}-fold cross-validation on ${GROUPED_FIGURE_NAME} — ${mine} vs ${MEMBER_LABELS[other.architecture]} ${percentOfRate(theirs.accuracy)}`
      : `chosen by ${cv.folds}-fold cross-validation on ${GROUPED_FIGURE_NAME} — ${mine}`;
  // the choice was made on the per-image folds; the grouped figure only says what to expect on unseen tissue
  const grouped = cv.grouped ? `; ${percentOfRate(cv.grouped.accuracy)} on ${GROUPED_FIGURE_NAME}` : '';
  return sameRun
    ? `best in ${cv.folds}-fold cross-validation — ${mine} vs ${MEMBER_LABELS[other.architecture]} ${percentOfRate(theirs.accuracy)} (out of fold)${grouped}`
    : `chosen by ${cv.folds}-fold cross-validation — ${mine} (out of fold)${grouped}`;
}

/**
 * Why a network is the default where it is the only one of the two cross-validated (the brain
 * Masked-CNN: the ViT's cross-validation is about 30 training-hours here), so no cross-validation
 * compared them and their validation splits differ: its accuracy on held-out scans is known and
 * the other's is not. "the only one of the two networks cross-validated — Masked-CNN 85.6 % on held-out
 * originals (grouped folds, 5 folds); the ViT's accuracy on unseen scans is not measured".
 */
export function onlyCrossValidatedWhy(
  chosen: { architecture: 'vit' | 'cnn'; crossValidation: CardCrossValidation },
  other: { architecture: 'vit' | 'cnn' },
): string {
  const cv = chosen.crossValidation;
  const figure = cv.groupedFolds
    ? `${percentOfRate(cv.accuracy)} on ${HELD_OUT_ORIGINALS} (grouped folds, ${cv.folds} folds)`
    : `${percentOfRate(cv.accuracy)} out of fold (${cv.folds} folds)`;
  return (
    `the only one of the two networks cross-validated — ${MEMBER_LABELS[chosen.architecture]} ${figure}; ` +
    `the ${MEMBER_LABELS[other.architecture]}'s accuracy on unseen scans is not measured`
  );
}
