/**
 * The model card of a model trained on all labelled data (`cipherscan train
 * --all-labelled`, issue 18: "the shipped model may then be trained on all
 * labelled data (Training + Testing), since unseen scans are checked
 * independently; say so in the model card"): where its images came from, that it
 * has no held-out Testing figure, and where its accuracy claim comes from — the
 * cross-validation report's out-of-fold figure for the same architecture
 * (learn/evaluation/cvReport.ts, the builder scripts/cv-report.ts --write-cards
 * uses too), or "no accuracy figure". Pure; never invents a figure.
 */
import {
  byOriginalsPhrase,
  completeCvReport,
  crossValidationBlock,
  cvFigures,
  cvRate,
  outOfFoldSentence,
  type CvReport,
} from '../evaluation/cvReport';
import type { TrainOptions } from './options';
import { groupedValidationWords, validationGroupsBlock } from './validationGroups';

export interface CvInput {
  report: CvReport;
  /** where it was read from, as given on the command line */
  path: string;
}

export const NO_ACCURACY_FIGURE =
  'no accuracy figure: run cross-validation (scripts/cv-train.sh, scripts/cv-report.ts) and release again with --cv-report docs/reports/cv-<dataset>.json';

/**
 * `--cv-report`: the report, checked before any training (completeCvReport: a CV of this
 * dataset with every fold scored, every candidate's figures); throws CvReleaseRefused.
 */
export function readCvInput(text: string, path: string, dataset: string): CvInput {
  return { report: completeCvReport(text, path, dataset, 'all-labelled model (--cv-report)'), path };
}

/** The card's `data` block: the pool's sources and counts, the split, and that nothing is held out. */
export function allLabelledData(
  r: {
    config: { classes: string[] };
    options: Pick<TrainOptions, 'valFraction' | 'seed' | 'validationGroups'>;
    dataset: { name: string; trainImages: number; valImages: number };
    caveat?: string;
  },
  sources: { folder: string; images: number }[],
) {
  const pooled = sources.reduce((s, x) => s + x.images, 0);
  return {
    dataset: r.dataset.name,
    classes: r.config.classes,
    allLabelled: true,
    sources,
    pooledImages: pooled,
    train: `${sources.map((s) => `${s.folder} (${s.images})`).join(' + ')} pooled, ${pooled} images, minus validation`,
    trainImages: r.dataset.trainImages,
    validationImages: r.dataset.valImages,
    validation: `stratified ${Math.round(r.options.valFraction * 100)} % of the pool${r.options.validationGroups ? ` ${groupedValidationWords(r.options.validationGroups)}` : ''}, seed ${r.options.seed}; used to pick the epoch, and by calibrate, guard and selective for the temperature and thresholds`,
    ...validationGroupsBlock(r.options.validationGroups),
    test: 'No held-out Testing split: trained on all labelled data, so no Testing figure exists for this model',
    caveat: r.caveat,
  };
}

/**
 * The augmentation and schedule the fold models used, where the report records them and they differ
 * from this run's: the sentences that say so.
 */
function recipeCaveat(
  cv: CvReport,
  architecture: 'vit' | 'cnn',
  augmentation: string,
  epochs: number | undefined,
): string | undefined {
  const folds = cv.foldAugmentations?.[architecture];
  if (!folds) return 'The report does not record which augmentation its fold models trained with.';
  const says: string[] = [];
  if (!folds.every((a) => a === augmentation))
    says.push(
      `The ${architecture} fold models trained with the "${folds.join(', ')}" augmentation, this model with "${augmentation}": the figure is of that sibling recipe.`,
    );
  const foldEpochs = cv.foldEpochs?.[architecture];
  if (foldEpochs && epochs !== undefined && !foldEpochs.every((e) => e === epochs))
    says.push(
      `The ${architecture} fold models trained for ${foldEpochs.join(', ')} epochs, this model for ${epochs}: the figure is of another schedule.`,
    );
  return says.join(' ') || undefined;
}

/**
 * The report's own caveat compares its fold models with the models shipped when it was written;
 * where it records the fold models' schedules, this model is compared with them instead (recipeCaveat),
 * so a release that brings the shipped model to the folds' recipe does not inherit the old difference.
 */
const reportCaveat = (cv: CvReport) => (cv.foldEpochs ? undefined : cv.caveat);

/** The card's `accuracy` (its one claim) and, with a CV report, its `crossValidation` block. */
export function accuracyClaim(
  name: string,
  options: Pick<TrainOptions, 'architecture' | 'augmentation'> & Partial<Pick<TrainOptions, 'epochs'>>,
  cv: CvInput | undefined,
) {
  if (!cv) return { accuracy: { claim: null, note: NO_ACCURACY_FIGURE } };
  const arch = options.architecture;
  const rate = cv.report.rates[arch];
  const caveat = recipeCaveat(cv.report, arch, options.augmentation, options.epochs);
  return {
    accuracy: {
      claim:
        `out-of-fold accuracy of this recipe in ${cv.report.folds}-fold cross-validation of Training + Testing pooled` +
        (cv.report.grouped ? ', grouped folds (held-out originals)' : ''),
      source: cv.path,
      folds: cv.report.folds,
      ...rate,
      interval: '95 % Wilson',
      // grouped folds: copies of one original are not independent images; this interval resamples originals
      ...(cv.report.byOriginals?.[arch] ? { byOriginals: cv.report.byOriginals[arch] } : {}),
      note:
        'This model was trained on all labelled data, so it has no held-out Testing figure; each fold model of the cross-validation ' +
        `trained on ${cv.report.folds - 1} of ${cv.report.folds} folds, this one on all of them.`,
      ...(caveat ? { caveat } : {}),
      // a setting of this recipe chosen on the same folds: the claim carries that choice's optimism
      ...(cv.report.selection?.[arch] ? { selection: cv.report.selection[arch] } : {}),
    },
    crossValidation: {
      report: cv.path,
      ...crossValidationBlock(
        { ...cvFigures(cv.report, arch), caveat: [reportCaveat(cv.report), caveat].filter(Boolean).join(' ') },
        `cipherscan train --name ${name} --all-labelled --cv-report ${cv.path}`,
      ),
    },
  };
}

/** README.md's section in place of "Test split". */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function allLabelledMarkdown(c: any, cv: CvInput | undefined): string[] {
  const sources = (c.data.sources as { folder: string; images: number }[])
    .map((s) => `${s.folder} ${s.images}`)
    .join(' + ');
  const a = c.accuracy;
  return [
    '## Accuracy (no held-out Testing split)',
    '',
    `Trained on all labelled data (${sources} = ${c.data.pooledImages} images; validation carved from that pool): ` +
      'there is no held-out Testing split, so this card has no Testing figure, and `cipherscan calibrate`, `guard`, ' +
      '`selective` and `eval` compute none on these images for this model.',
    '',
    cv && a.claim
      ? `**Accuracy claim: ${cvRate(a)}** (${a.k}/${a.n}, ${a.interval}${a.byOriginals ? `; ${byOriginalsPhrase(a.byOriginals)}` : ''}), the ${a.claim} (\`${a.source}\`). ` +
        `${outOfFoldSentence(cvFigures(cv.report, c.architecture))} ${a.note}${a.caveat ? ` ${a.caveat}` : ''}${a.selection ? ` ${a.selection}` : ''}`
      : `No accuracy figure: ${a.note.replace(/^no accuracy figure: /, '')}.`,
    '',
  ];
}
