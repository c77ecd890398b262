/**
 * The report view and a model trained on all labelled data (issue 18: `cipherscan
 * train --all-labelled`, its card's `data.allLabelled: true`): such a model has no
 * held-out Testing split, so the view shows its cross-validation out-of-fold figure
 * with its 95 % interval as its accuracy (first the grouped folds' figure where the card
 * quotes one: folds keeping the near-duplicates of one original together), and never a Testing figure of it — not from
 * its own card (a later command could have added one), not from a committed report
 * about it (an eval on Testing, a selective study's Testing rows: in-sample, or of an
 * earlier model under the same name). Pure: no I/O.
 * Must never: invent a figure, or show a Testing figure as held out for such a model.
 */
import { type FoundHistory, type FoundPlot, type FoundReport, type FoundTable, type Json } from './reportShapes';
import { cardCrossValidation, GROUPED_FIGURE_NAME, PER_IMAGE_CAVEAT } from '../../../lib/diagnosis/cvChoice';
import { cardTraining } from '../../../lib/diagnosis/cardTraining';
import type { EnsembleRate as Rate } from '../../../lib/diagnosis/ensemble';
import { isObject } from '../../../lib/json/isObject';

/** What the view says a model's accuracy is, above its blocks. */
export interface AccuracyClaim {
  /** true: trained on all labelled data (no held-out Testing split) */
  allLabelled: boolean;
  /** the out-of-fold figure and its folds, when the card quotes one; grouped: its grouped folds' figure, where quoted */
  crossValidation?: { folds: number; accuracy: Rate; grouped?: { folds: number; accuracy: Rate } };
  text: string;
}

interface Found {
  reports: FoundReport[];
  histories: FoundHistory[];
  tables: FoundTable[];
  plots: FoundPlot[];
}

/** as the registry reads it at discovery (ModelEntry.allLabelled) */
export const isAllLabelledCard = (card: Json): boolean => cardTraining(card).allLabelled;

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;

/** "94.33 % (95 % interval 93.45–95.11 %; 2830 of 3000 right), 5-fold cross-validation (out of fold)" */
export function crossValidationFigure(folds: number, a: Rate): string {
  return (
    `${pct(a.rate)} (95 % interval ${(a.low * 100).toFixed(2)}–${(a.high * 100).toFixed(2)} %; ` +
    `${a.k.toLocaleString('en')} of ${a.n.toLocaleString('en')} right), ${folds}-fold cross-validation (out of fold)`
  );
}

/** "On held-out originals (grouped folds): …": no held-out image had a detected copy of its original in training. */
export const groupedFigure = (g: { folds: number; accuracy: Rate }) =>
  `On ${GROUPED_FIGURE_NAME}: ${crossValidationFigure(g.folds, g.accuracy)}`;

/** The per-image folds' label where a grouped figure stands beside it. */
const PER_IMAGE = `Per-image folds, where copies of a held-out image's original may have been trained on (${PER_IMAGE_CAVEAT})`;

/**
 * The accuracy line of a model card: for an all-labelled card its out-of-fold figure (or
 * that it has none) and that no Testing figure exists; for another card with a
 * cross-validation block, that figure beside its Testing figures; otherwise none.
 */
export function cardAccuracyClaim(card: Json): AccuracyClaim | undefined {
  if (!isObject(card)) return undefined;
  const allLabelled = isAllLabelledCard(card);
  // its `crossValidation` block, as the model picker reads it (the release writes it beside an all-labelled card's `accuracy`)
  const cv = cardCrossValidation(card);
  const crossValidation = cv && {
    folds: cv.folds,
    accuracy: cv.accuracy,
    ...(cv.grouped && { grouped: { folds: cv.grouped.folds, accuracy: cv.grouped.accuracy } }),
  };
  // where grouped folds were run, their figure comes first: the per-image one is optimistic for unseen tissue
  const grouped = crossValidation?.grouped;
  const perImage = crossValidation && crossValidationFigure(crossValidation.folds, crossValidation.accuracy);
  // a block of grouped folds (the release run) has no per-image figure beside its own
  const besidePerImage = cv?.groupedFolds ? '' : ` ${PER_IMAGE}: ${perImage}.`;
  if (!allLabelled)
    return crossValidation
      ? {
          allLabelled,
          crossValidation,
          text: grouped
            ? `Cross-validation of its recipe, Training + Testing pooled. ${groupedFigure(grouped)}.${besidePerImage}`
            : `Cross-validation of its recipe: ${perImage}, on Training + Testing pooled.`,
        }
      : undefined;
  const noTesting =
    'Trained on all labelled data (Training + Testing): there is no held-out Testing split, so no Testing figure is shown for this model.';
  if (!crossValidation) {
    const note = isObject(card.accuracy) && typeof card.accuracy.note === 'string' ? ` (${card.accuracy.note})` : '';
    return { allLabelled, text: `No accuracy figure${note}. ${noTesting}` };
  }
  return {
    allLabelled,
    crossValidation,
    text: grouped
      ? `${groupedFigure(grouped)}, Training + Testing pooled.${besidePerImage} ${noTesting}`
      : `Accuracy ${perImage} of Training + Testing pooled. ${noTesting}`,
  };
}

const TESTING_SEGMENTS = new Set(['test', 'testing']);

/** A block found at "name › test › plain" or "… › testing › points": a figure on the Testing split. */
export function isTestingTitle(title: string): boolean {
  return title.split(' › ').some((s) => TESTING_SEGMENTS.has(s));
}

/** The blocks for which `drop(title)` holds taken out, and their titles. */
export function withhold(found: Found, drop: (title: string) => boolean): Found & { withheld: string[] } {
  const withheld = [...found.reports, ...found.histories, ...found.tables, ...found.plots]
    .map((b) => b.title)
    .filter(drop);
  const keep = <T extends { title: string }>(xs: T[]) => xs.filter((x) => !drop(x.title));
  return {
    reports: keep(found.reports),
    histories: keep(found.histories),
    tables: keep(found.tables),
    plots: keep(found.plots),
    withheld: [...new Set(withheld)],
  };
}

/**
 * Which blocks of a committed report are Testing figures of an all-labelled model: all of
 * them when the file is an evaluation of such a model on a Testing folder (`model`, `data`),
 * else those under a segment naming such a model (a selective study's candidate, an
 * ensemble of it) and then a Testing segment.
 */
export function inSampleInReport(root: Json, allLabelled: ReadonlySet<string>): (title: string) => boolean {
  if (allLabelled.size === 0) return () => false;
  if (
    isObject(root) &&
    typeof root.model === 'string' &&
    allLabelled.has(root.model) &&
    typeof root.data === 'string' &&
    /(^|[/\\])Testing[/\\]?$/.test(root.data)
  )
    return () => true;
  const names = [...allLabelled];
  return (title) => {
    const segments = title.split(' › ');
    const at = segments.findIndex((s) => names.some((n) => s === n || s.includes(n)));
    return at >= 0 && segments.slice(at + 1).some((s) => TESTING_SEGMENTS.has(s));
  };
}

/** The sentence shown where Testing blocks were taken out. */
export function withheldSentence(count: number, models: string[]): string {
  const who = models.length ? models.join(', ') : 'this model';
  return (
    `${count} Testing block${count === 1 ? '' : 's'} not shown: ${who} ${models.length > 1 ? 'were' : 'was'} trained on all labelled data ` +
    '(Training + Testing), so a Testing figure of it is in-sample, or of an earlier model under the same name; ' +
    'its accuracy is the cross-validation figure in its model card.'
  );
}
