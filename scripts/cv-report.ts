/**
 * Pools the k-fold cross-validation of the lung models (issue 18's protocol) into
 * the figures the model choice is made on: for each fold whose two models are
 * trained (scripts/cv-train.sh), fits each model's temperature on its own
 * validation split (`cipherscan calibrate`, once) and scores the ViT, the CNN
 * and their ensemble on the held-out fold (`cipherscan selective
 * --cross-validation`, logits cached); then sums the out-of-fold right answers
 * per candidate over the folds, with 95 % Wilson intervals. The ensemble is
 * the choice only where it has more out-of-fold right answers than the better
 * single model.
 * Also pooled per candidate: the abstention rule as it would ship (each fold's
 * threshold fitted on that fold's validation split, applied to its held-out fold:
 * answered and right summed), and the mean per-fold ECE (15 bins) and NLL.
 *   npx tsx scripts/cv-report.ts [--dataset lung-histopathology|brain-mri] [--folds 5] [--out docs/reports/cv-lung-histopathology] [--write-cards]
 *     [--split lung-histopathology] [--tag ''] [--tag-vit T --tag-cnn T] [--archs vit,cnn] [--release]
 * --split, --tag, --archs pool another run of scripts/cv-train.sh (CV_SPLIT, CV_TAG), e.g. the
 * grouped folds (cv-folds.ts --groups): `--split lung-histopathology-grouped --tag -grouped --archs vit
 * --out docs/reports/cv-grouped-lung-histopathology` (scripts/cvRun.ts; with one architecture there is no ensemble and no choice).
 * --release pools the run the shipped models are released from (cvRun.ts RELEASE_RUN: grouped folds,
 * the 30-epoch ViT and the CNN of scripts/recipes.sh); only it may --write-cards (all folds scored),
 * which adds its figures to the shipped lung models' cards (model-card.json `crossValidation`,
 * README.md "Cross-validation of this recipe"; scripts/cvCards.ts): the shipped models are the
 * same recipes trained on all labelled data. It never writes a threshold: the pooled ones ship by
 *   npm run cli -- selective --data ../shared/datasets/lung-histopathology \
 *     --models public/models/vit-lung-histopathology,public/models/cnn-lung-histopathology \
 *     --write --thresholds-from docs/reports/cv-grouped-e30-lung-histopathology.json [--ensemble-from (the same)]
 * Order of a release: train --all-labelled --cv-report (its card's block has no shipping command and no
 * README section), selective --write --thresholds-from, then this with --write-cards, which completes both.
 * The default run (per-image folds, no tag: docs/reports/cv-lung-histopathology) is the first one;
 * its fold models saw copies of their held-out images, so its figures are optimistic and no longer ship.
 * (src/apps/cli/commands/selectiveWrite.ts, the one writer of a model's threshold).
 * Folds still training are listed as missing, not guessed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { wilson, type Rate } from '../src/learn/evaluation/domainGuardReport';
import type { GroupInterval } from '../src/learn/evaluation/groupBootstrap';
import type { SelectiveStudy } from '../src/learn/evaluation/selectiveStudy';
import { fitAbstention, nestedAbstention, type AbstentionBound } from '../src/learn/evaluation/selective';
import { isGroupedSplit } from '../src/lib/diagnosis/cvChoice';
import { thresholdCommand, writeCrossValidationCard } from './cvCards';
import { foldHeldOutGroups, HeldOutOriginals } from './cvOriginals';
import { PROBABILITIES_DIR, probabilitiesPath, recordProbabilities } from './cvProbabilities';
import { CV_ABSTENTION_TARGET, cvReportMarkdown, type CvTotals } from './cvReportMarkdown';
import { distinct, recipeCaveat, type ModelFacts } from './cvCaveats';
import type { CvKind } from '../src/learn/evaluation/cvReport';
import { arg, cli } from './cliRun';
import {
  cvKinds,
  cvRunFromArgs,
  foldValidation,
  foldDataDir,
  foldModelDir,
  foldStudyPath,
  isPerImageRun,
  defaultReportOut,
  kindOfMembers,
  RELEASE_RUN,
  runFlags,
  selectionSentence,
  splitSentence,
  writeCardsRefusal,
  type Arch,
} from './cvRun';

/** lung-histopathology (the default), or brain-mri for its Masked-CNN's folds (cv-train.sh CV_DATASET) */
const DATASET = arg('dataset', 'lung-histopathology');
if (!existsSync(join('public/models', `cnn-${DATASET}`)))
  throw new Error(`--dataset ${DATASET}: no shipped model of it`);
// the release run is lung's (cvRun.ts RELEASE_RUN): its split and tags name lung fold models
if (process.argv.includes('--release') && !RELEASE_RUN.split.startsWith(`${DATASET}-`))
  throw new Error(`--release is the ${RELEASE_RUN.split} run; --dataset ${DATASET} has none`);
const folds = Number(arg('folds', '5'));
const run = cvRunFromArgs(DATASET);
// the per-image run and the release run have a report of their own; any other run is given --out
const out = arg('out', '') || defaultReportOut(run, 'cv-');
const writeCards = process.argv.includes('--write-cards');
// refused before any fold is calibrated or scored: a grouped or candidate run never reaches the shipped cards
const refusal = writeCards ? writeCardsRefusal(run) : undefined;
if (refusal) throw new Error(refusal);
const { archs } = run;
const foldsMeta = join('.cache/cv', run.split, 'folds.json');
const grouped =
  existsSync(foldsMeta) && Boolean((JSON.parse(readFileSync(foldsMeta, 'utf8')) as { groups?: string }).groups);

type Kind = CvKind;
type Totals = CvTotals;
const empty = (): Totals => ({
  k: 0,
  n: 0,
  perFold: [],
  answered: 0,
  answeredRight: 0,
  eceSum: 0,
  nllSum: 0,
  at90Answered: 0,
  at90Right: 0,
});
/** the candidates of this run, in the report's row order: vit, cnn, ensemble (where both) */
const kinds: Kind[] = cvKinds(run);
const totals = Object.fromEntries(kinds.map((k) => [k, empty()])) as Record<Kind, Totals>;
/** per candidate, per scored fold: the held-out fold's calibrated probabilities and labels */
const outOfFold = Object.fromEntries(kinds.map((k) => [k, []])) as unknown as Record<
  Kind,
  { probabilities: number[][]; labels: number[] }[]
>;
const missing: number[] = [];
/**
 * What each fold model was trained as (its card's `training`, its manifest's `config`), by
 * architecture: compared with the shipped model's so the report and the cards say where they differ (cvCaveats.ts).
 */
const foldFacts = Object.fromEntries(archs.map((a) => [a, [] as ModelFacts[]])) as Record<Arch, ModelFacts[]>;
/** per scored fold model: whether its card says its validation split took whole groups (train --groups) */
const validationGrouped: boolean[] = [];
/** grouped folds: each held-out image's presumed original, for figures that count originals (cvOriginals.ts) */
const originals = new HeldOutOriginals();
for (let fold = 1; fold <= folds; fold++) {
  const data = foldDataDir(run, fold);
  const models = archs.map((a) => foldModelDir(run, a, fold));
  if (!models.every((m) => existsSync(join(m, 'model-card.json')))) {
    missing.push(fold);
    continue;
  }
  archs.forEach((a, i) => {
    const card = JSON.parse(readFileSync(join(models[i], 'model-card.json'), 'utf8')) as {
      training: ModelFacts['training'];
      data?: { train?: string; validationGroups?: unknown };
    };
    // a model trained on another split's folds would be scored on held-out images it may have seen
    if (!card.data?.train?.startsWith(data + '/'))
      throw new Error(`${models[i]} was not trained on ${data} (its card: ${card.data?.train ?? 'no data.train'})`);
    const manifest = JSON.parse(readFileSync(join(models[i], 'model.json'), 'utf8')) as {
      calibration?: unknown;
      config: Record<string, unknown>;
    };
    foldFacts[a].push({ training: card.training, config: manifest.config });
    validationGrouped.push(Boolean(card.data?.validationGroups));
    if (!manifest.calibration) cli('calibrate', '--model', models[i], '--data', data);
  });
  const report = foldStudyPath(run, fold);
  mkdirSync(dirname(report), { recursive: true });
  cli('selective', '--data', data, '--models', models.join(','), '--cross-validation', '--out', report);
  const study = JSON.parse(readFileSync(`${report}.json`, 'utf8')) as SelectiveStudy;
  const groupsHere = grouped && study.testingFiles ? foldHeldOutGroups(data, study.testingFiles) : undefined;
  if (groupsHere) originals.add(fold, study.testingFiles!, groupsHere);
  for (const c of study.candidates) {
    const kind = kindOfMembers(run, fold, c.members);
    if (!c.testing || !c.testingProbabilities || !study.testingLabels)
      throw new Error(`fold ${fold}: ${c.name} has no held-out figures (run with --cross-validation)`);
    outOfFold[kind].push({ probabilities: c.testingProbabilities, labels: study.testingLabels });
    totals[kind].k += c.testing.accuracy.k;
    totals[kind].n += c.testing.accuracy.n;
    totals[kind].perFold.push(`${c.testing.accuracy.k}/${c.testing.accuracy.n}`);
    totals[kind].answered += c.testing.atThreshold.answered;
    totals[kind].answeredRight += c.testing.atThreshold.correct;
    totals[kind].eceSum += c.testing.ece * c.testing.n;
    totals[kind].nllSum += c.testing.nll * c.testing.n;
    totals[kind].at90Answered += c.testing.at90?.answered ?? 0;
    totals[kind].at90Right += c.testing.at90?.correct ?? 0;
  }
}

const rates = Object.fromEntries(kinds.map((kind) => [kind, wilson(totals[kind].k, totals[kind].n)])) as Record<
  Kind,
  Rate
>;
/**
 * On grouped folds, each candidate's accuracy with the interval of resampling whole originals:
 * the held-out copies of one original are right or wrong together, so the Wilson interval over
 * images is too narrow. Only where every scored fold named its images' originals.
 */
const byOriginalsHere = originals.complete(outOfFold[kinds[0]].length);
const byOriginals: Partial<Record<Kind, GroupInterval>> = byOriginalsHere
  ? Object.fromEntries(kinds.map((kind) => [kind, originals.interval(outOfFold[kind], totals[kind].k)]))
  : {};
/** the same resampling, paired: ViT against CNN, the ensemble against the better single (same images, same draws) */
const pairedOnOriginals =
  byOriginalsHere && archs.length === 2
    ? {
        vitMinusCnn: originals.paired(outOfFold.vit, outOfFold.cnn),
        ensembleMinusBestSingle: originals.paired(
          outOfFold.ensemble,
          outOfFold[totals.vit.k >= totals.cnn.k ? 'vit' : 'cnn'],
        ),
      }
    : undefined;
const abstention = Object.fromEntries(
  kinds.map((kind) => {
    const t = totals[kind];
    return [
      kind,
      {
        coverage: t.n ? t.answered / t.n : 0,
        accuracy: wilson(t.answeredRight, t.answered),
        ece: t.n ? t.eceSum / t.n : 0,
        nll: t.n ? t.nllSum / t.n : 0,
        at90: wilson(t.at90Right, t.at90Answered),
      },
    ];
  }),
) as Record<Kind, { coverage: number; accuracy: Rate; ece: number; nll: number; at90: Rate }>;
/**
 * The "Uncertain" threshold fitted on out-of-fold predictions instead of one validation split
 * (10x the images, so the rule's lower bound is tighter): scored by nested cross-validation —
 * fitted on the other folds' out-of-fold predictions, applied to each fold's — and, for shipping,
 * fitted once on all of them. On grouped folds the rule's lower bound resamples originals
 * ('originals-low'): the Wilson bound counts copies of one original as independent evidence, and
 * its rule (shipped before stop 32) is kept beside it for comparison.
 */
const TARGET = CV_ABSTENTION_TARGET;
const shippedBound: AbstentionBound = byOriginalsHere ? 'originals-low' : 'wilson-low';
type Parts = Parameters<typeof nestedAbstention>[0];
/** nestedAbstention where two folds or more are scored; none answered before */
const nested = (parts: Parts, bound: AbstentionBound) =>
  parts.length >= 2 ? nestedAbstention(parts, TARGET, bound) : { coverage: 0, accuracy: wilson(0, 0), thresholds: [] };
/** a nested figure without its per-fold thresholds, as the report keeps a comparison */
const figureOf = (parts: Parts, bound: AbstentionBound) => (({ thresholds: _, ...r }) => r)(nested(parts, bound));
const pooledThreshold = Object.fromEntries(
  kinds.map((kind) => {
    const parts: { probabilities: number[][]; labels: number[]; groups?: number[] }[] = byOriginalsHere
      ? originals.withGroups(outOfFold[kind])
      : outOfFold[kind];
    const all = parts.length
      ? fitAbstention(
          parts.flatMap((p) => p.probabilities),
          parts.flatMap((p) => p.labels),
          TARGET,
          shippedBound,
          byOriginalsHere ? parts.flatMap((p) => p.groups ?? []) : undefined,
        )
      : undefined;
    const { thresholds, ...shipped } = nested(parts, shippedBound);
    const answersByOriginals = byOriginalsHere
      ? originals.nestedAnswers(parts, thresholds, shipped.accuracy)
      : undefined;
    return [
      kind,
      {
        nested: { ...shipped, ...(answersByOriginals ? { byOriginals: answersByOriginals } : {}) },
        // the Wilson rule where the shipped one resamples originals: what counting copies as evidence would answer
        ...(shippedBound === 'originals-low' ? { nestedWilsonRule: figureOf(parts, 'wilson-low') } : {}),
        // what the same fit on the point estimate would do (never shipped): the lower bound's margin in coverage
        nestedPointRule: figureOf(parts, 'point'),
        minConfidence: all?.minConfidence,
        n: parts.reduce((s, p) => s + p.labels.length, 0),
        fittedOn: all ? `${parts.reduce((s, p) => s + p.labels.length, 0)} out-of-fold predictions` : undefined,
        rule: all?.rule,
      },
    ];
  }),
) as Record<
  Kind,
  {
    nested: { coverage: number; accuracy: Rate; byOriginals?: GroupInterval };
    nestedWilsonRule?: { coverage: number; accuracy: Rate };
    nestedPointRule: { coverage: number; accuracy: Rate };
    minConfidence?: number;
    n: number;
    fittedOn?: string;
    rule?: string;
  }
>;
const done = folds - missing.length;
/** null where the run has one architecture: nothing to choose between */
const choice: Kind | null =
  archs.length < 2
    ? null
    : ((): Kind => {
        const bestSingle: Kind = totals.vit.k >= totals.cnn.k ? 'vit' : 'cnn';
        return totals.ensemble.k > totals[bestSingle].k ? 'ensemble' : bestSingle;
      })();
/** the shipped model of an architecture, as the fold models are read */
const shippedFacts = (a: Arch): ModelFacts => {
  const dir = join('public/models', `${a}-${DATASET}`);
  return {
    training: (JSON.parse(readFileSync(join(dir, 'model-card.json'), 'utf8')) as { training: ModelFacts['training'] })
      .training,
    config: (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { config: Record<string, unknown> }).config,
  };
};
/** each architecture's caveat, read once: a card takes only its own */
const caveats = Object.fromEntries(archs.map((a) => [a, recipeCaveat(a, foldFacts[a], shippedFacts(a))])) as Partial<
  Record<Arch, string>
>;
const validationSplit = foldValidation(validationGrouped);
const runSentence = splitSentence(run, grouped, validationSplit);
/** '' when the fold models are the shipped recipe; cv-grouped-cards.ts refuses a report with one */
const caveat = archs
  .map((a) => caveats[a])
  .filter(Boolean)
  .join(' ');
/** per architecture of this run, a setting of its recipe chosen on these folds (none for most runs) */
const selection: Partial<Record<Arch, string>> = Object.fromEntries(
  archs.map((a) => [a, selectionSentence(run, a)]).filter(([, s]) => s),
);
mkdirSync(dirname(out), { recursive: true });
const report = {
  dataset: DATASET,
  // which run this is, where it is not the first, per-image one (its report keeps the keys it always had)
  ...(isPerImageRun(run)
    ? {}
    : {
        split: run.split,
        grouped,
        // how the fold models drew validation, where it is not the per-image split every earlier report had
        ...(validationSplit !== 'per image' ? { validationSplit } : {}),
        tags: Object.fromEntries(archs.map((a) => [a, run.tags[a]])),
        archs,
        splitNote: runSentence || undefined,
      }),
  // what the fold models trained with, so a card quoting these figures can say whether its recipe matches
  foldAugmentations: Object.fromEntries(archs.map((a) => [a, distinct(foldFacts[a], (m) => m.training.augmentation)])),
  foldEpochs: Object.fromEntries(archs.map((a) => [a, distinct(foldFacts[a], (m) => m.training.epochs)])),
  caveat: caveat || undefined,
  // a setting of the recipe chosen on these folds (not another recipe: no caveat), where there is one
  ...(Object.keys(selection).length ? { selection } : {}),
  folds,
  scored: done,
  missing,
  totals,
  rates,
  // grouped folds: the interval of resampling whole originals (absent where the folds name no groups)
  ...(Object.keys(byOriginals).length ? { byOriginals } : {}),
  ...(pairedOnOriginals ? { pairedOnOriginals } : {}),
  // per held-out image (folds in order, each in its Testing listing order): its original and, per
  // candidate, right (1) or not (0): what scripts/cv-compare.ts pairs two runs on
  ...(byOriginalsHere ? { heldOut: originals.record(outOfFold) } : {}),
  abstention,
  pooledThreshold,
  choice: done === folds ? choice : null,
  // one row per candidate with an accuracy: the shape the page's report view draws as a table
  candidates: kinds.map((k) => ({
    candidate: k,
    accuracy: rates[k].rate,
    low: rates[k].low,
    high: rates[k].high,
    ...(byOriginals[k] ? { lowByOriginals: byOriginals[k].low, highByOriginals: byOriginals[k].high } : {}),
    perFold: totals[k].perFold.join(', '),
    ece: abstention[k].ece,
    answeredNested: pooledThreshold[k].nested.coverage,
    accuracyOfAnswersNested: pooledThreshold[k].nested.accuracy.rate,
    threshold: pooledThreshold[k].minConfidence ?? '–',
  })),
};
const markdown = cvReportMarkdown(DATASET, run, report);
writeFileSync(`${out}.md`, markdown);
writeFileSync(`${out}.json`, JSON.stringify(report, null, 1) + '\n');
// grouped folds: the single networks' out-of-fold probabilities, so ensembles with later runs can be
// scored without these fold models (scripts/cv-ensemble.ts); beside docs/reports, not in it: they are
// data, not a report the page's report view draws (it bundles docs/reports/**/*.json)
if (report.heldOut) {
  mkdirSync(PROBABILITIES_DIR, { recursive: true });
  writeFileSync(
    probabilitiesPath(out),
    JSON.stringify(recordProbabilities(Object.fromEntries(archs.map((a) => [a, outOfFold[a]])), report.heldOut)) + '\n',
  );
}
console.log(markdown);

if (writeCards) {
  if (done !== folds || !choice) throw new Error('--write-cards needs every fold scored');
  // the page tells a grouped block by its split's name (lib/diagnosis/cvChoice.ts isGroupedSplit)
  if (grouped && !isGroupedSplit(run.split))
    throw new Error(`--write-cards: split ${run.split} is grouped but its name does not end in "-grouped"`);
  for (const kind of ['vit', 'cnn'] as const)
    writeCrossValidationCard(join('public/models', `${kind}-${DATASET}`), {
      folds,
      ...(grouped ? { groupedSplit: run.split } : {}),
      runFlags: runFlags(run),
      out,
      foldAugmentation: distinct(foldFacts[kind], (m) => m.training.augmentation).join(', '),
      caveat: caveats[kind] ?? '',
      selection: selection[kind],
      accuracy: rates[kind],
      byOriginals: byOriginals[kind],
      perFold: totals[kind].perFold,
      abstention: abstention[kind],
      pooledThreshold: pooledThreshold[kind],
      target: TARGET,
      ensemble: rates.ensemble,
      choice,
    });
  console.log(
    `\nCards written; thresholds not (the report only fits them). Ship them with:\n  ${thresholdCommand(DATASET, out, choice)}`,
  );
}
