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
 *   npx tsx scripts/cv-report.ts [--folds 5] [--out docs/reports/cv-lung-histopathology] [--write-cards]
 * --write-cards (all folds scored only) adds the figures to the shipped lung models'
 * cards (model-card.json `crossValidation`, README.md "Cross-validation of this recipe"):
 * the shipped models are the same recipe trained on the shared Training split.
 * Folds still training are listed as missing, not guessed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { wilson, type Rate } from '../src/learn/evaluation/domainGuardReport';
import type { SelectiveStudy } from '../src/learn/evaluation/selectiveStudy';
import { ABSTENTION_RULE, atThreshold, fitAbstention } from '../src/learn/evaluation/selective';
import { crossValidationBlock, cvRate, outOfFoldSentence, type CvReport } from '../src/learn/evaluation/cvReport';
import { trainedOnFromCard } from '../src/learn/training/labelledData';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const DATASET = 'lung-histopathology';
const folds = Number(arg('folds', '5'));
const out = arg('out', `docs/reports/cv-${DATASET}`);
const cli = (...argv: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', 'src/apps/cli/main.ts', ...argv], { stdio: 'inherit' });

type Kind = 'vit' | 'cnn' | 'ensemble';
interface Totals {
  k: number;
  n: number;
  perFold: string[];
  /** at each fold's own validation-fitted threshold, on the held-out fold */
  answered: number;
  answeredRight: number;
  /** sums of n-weighted per-fold ECE and NLL */
  eceSum: number;
  nllSum: number;
  /** the curve's point answering >= 90 % on each held-out fold (the issue's target point) */
  at90Answered: number;
  at90Right: number;
}
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
const totals: Record<Kind, Totals> = { vit: empty(), cnn: empty(), ensemble: empty() };
/** per candidate, per scored fold: the held-out fold's calibrated probabilities and labels */
const outOfFold: Record<Kind, { probabilities: number[][]; labels: number[] }[]> = { vit: [], cnn: [], ensemble: [] };
const missing: number[] = [];
/**
 * The augmentation each fold model actually trained with, by architecture (model-card.json):
 * compared with the shipped model's so the report and the cards say when they differ.
 */
const foldAugmentations: Record<'vit' | 'cnn', Set<string>> = { vit: new Set(), cnn: new Set() };
for (let fold = 1; fold <= folds; fold++) {
  const data = join('.cache/cv', DATASET, `fold-${fold}`);
  const models = (['vit', 'cnn'] as const).map((a) => join('.cache/cv/models', `cv-${a}-${DATASET}-fold${fold}`));
  if (!models.every((m) => existsSync(join(m, 'model-card.json')))) {
    missing.push(fold);
    continue;
  }
  (['vit', 'cnn'] as const).forEach((a, i) => {
    const card = JSON.parse(readFileSync(join(models[i], 'model-card.json'), 'utf8')) as {
      training: { augmentation: string };
    };
    foldAugmentations[a].add(card.training.augmentation);
  });
  for (const m of models) {
    const manifest = JSON.parse(readFileSync(join(m, 'model.json'), 'utf8')) as { calibration?: unknown };
    if (!manifest.calibration) cli('calibrate', '--model', m, '--data', data);
  }
  const report = join('.cache/cv/reports', `fold-${fold}`);
  cli('selective', '--data', data, '--models', models.join(','), '--cross-validation', '--out', report);
  const study = JSON.parse(readFileSync(`${report}.json`, 'utf8')) as SelectiveStudy;
  for (const c of study.candidates) {
    const kind: Kind = c.members.length > 1 ? 'ensemble' : c.members[0].startsWith('cv-vit') ? 'vit' : 'cnn';
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

const pct = (r: Rate) => cvRate(r);
const kinds = Object.keys(totals) as Kind[];
const rates = Object.fromEntries(kinds.map((kind) => [kind, wilson(totals[kind].k, totals[kind].n)])) as Record<
  Kind,
  Rate
>;
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
 * (10x the images, so the rule's Wilson bound is tighter): scored by nested cross-validation —
 * fitted on the other folds' out-of-fold predictions, applied to each fold's — and, for shipping,
 * fitted once on all of them.
 */
const TARGET = 0.97;
const pooledThreshold = Object.fromEntries(
  kinds.map((kind) => {
    const parts = outOfFold[kind];
    let answered = 0;
    let right = 0;
    let n = 0;
    parts.forEach((held, k) => {
      const others = parts.filter((_, j) => j !== k);
      const fit = fitAbstention(
        others.flatMap((p) => p.probabilities),
        others.flatMap((p) => p.labels),
        TARGET,
      );
      const at = atThreshold(held.probabilities, held.labels, fit.minConfidence);
      answered += at.answered;
      right += at.correct;
      n += held.labels.length;
    });
    const all = parts.length
      ? fitAbstention(
          parts.flatMap((p) => p.probabilities),
          parts.flatMap((p) => p.labels),
          TARGET,
        )
      : undefined;
    return [
      kind,
      {
        nested: { coverage: n ? answered / n : 0, accuracy: wilson(right, answered) },
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
    nested: { coverage: number; accuracy: Rate };
    minConfidence?: number;
    n: number;
    fittedOn?: string;
    rule?: string;
  }
>;
const done = folds - missing.length;
const bestSingle: Kind = totals.vit.k >= totals.cnn.k ? 'vit' : 'cnn';
const choice: Kind = totals.ensemble.k > totals[bestSingle].k ? 'ensemble' : bestSingle;
const shippedAugmentation = (a: 'vit' | 'cnn') =>
  (
    JSON.parse(readFileSync(join('public/models', `${a}-${DATASET}`, 'model-card.json'), 'utf8')) as {
      training: { augmentation: string };
    }
  ).training.augmentation;
/** '' when the fold models trained with the shipped models' augmentation, else the sentence that says they did not */
const augmentationCaveat = (['vit', 'cnn'] as const)
  .filter((a) => [...foldAugmentations[a]].some((x) => x !== shippedAugmentation(a)))
  .map(
    (a) =>
      `The ${a} fold models trained with the "${[...foldAugmentations[a]].join(', ')}" augmentation, the shipped ${a} with "${shippedAugmentation(a)}" ` +
      '(the fold folders were named fold-K, so `cipherscan train` did not recognise histology; scripts/recipes.sh now names it): ' +
      'these figures are of that sibling recipe, not exactly of the shipped one.',
  )
  .join(' ');
const lines = [
  `# ${DATASET}: ${folds}-fold cross-validation (Training + Testing pooled)`,
  '',
  `Folds scored: ${done} of ${folds}${missing.length ? ` (still training: ${missing.join(', ')})` : ''}. ` +
    'Each fold model is the shipped recipe (scripts/recipes.sh) trained on the other folds; each figure is out-of-fold. ' +
    '"Uncertain" rule: each fold\'s threshold fitted on that fold\'s validation split, applied to its held-out fold; "answering ≥ 90 %" is the best point of each held-out fold\'s coverage–accuracy curve (an oracle threshold: what the rule could reach, not what it did).' +
    (augmentationCaveat ? ` **${augmentationCaveat}**` : ''),
  '',
  "| candidate | out-of-fold accuracy (95 % Wilson) | per fold | answered at the fold's threshold | accuracy of the answers | answering ≥ 90 % (each fold's curve) | ECE (15 bins, mean of folds) | NLL |",
  '|---|---|---|---|---|---|---|---|',
  ...kinds.map((k) => {
    const a = abstention[k];
    return `| ${k} | ${pct(rates[k])} | ${totals[k].perFold.join(', ')} | ${(a.coverage * 100).toFixed(1)} % | ${pct(a.accuracy)} | ${pct(a.at90)} | ${a.ece.toFixed(4)} | ${a.nll.toFixed(4)} |`;
  }),
  '',
  `"Uncertain" threshold fitted on out-of-fold predictions (rule: ${ABSTENTION_RULE}, target ${TARGET * 100} %), scored by nested cross-validation (fitted on the other folds, applied to each):`,
  '',
  '| candidate | answered (nested) | accuracy of the answers (nested) | threshold fitted on all folds |',
  '|---|---|---|---|',
  ...kinds.map((k) => {
    const p = pooledThreshold[k];
    return `| ${k} | ${(p.nested.coverage * 100).toFixed(1)} % | ${pct(p.nested.accuracy)} | ${p.minConfidence?.toFixed(4) ?? '–'} (${p.fittedOn ?? '–'}) |`;
  }),
  '',
  done === folds
    ? `Choice: **${choice}** (the ensemble is chosen only with more out-of-fold right answers than the better single).`
    : 'No choice yet: not every fold is scored.',
  '',
];
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.md`, lines.join('\n'));
const report = {
  dataset: DATASET,
  folds,
  scored: done,
  missing,
  totals,
  rates,
  abstention,
  pooledThreshold,
  choice: done === folds ? choice : null,
  // what the fold models trained with, so a card quoting these figures can say whether its recipe matches
  foldAugmentations: { vit: [...foldAugmentations.vit], cnn: [...foldAugmentations.cnn] },
  caveat: augmentationCaveat || undefined,
};
writeFileSync(
  `${out}.json`,
  JSON.stringify(
    {
      ...report,
      // one row per candidate with an accuracy: the shape the page's report view draws as a table
      candidates: kinds.map((k) => ({
        candidate: k,
        accuracy: rates[k].rate,
        low: rates[k].low,
        high: rates[k].high,
        perFold: totals[k].perFold.join(', '),
        ece: abstention[k].ece,
        answeredNested: pooledThreshold[k].nested.coverage,
        accuracyOfAnswersNested: pooledThreshold[k].nested.accuracy.rate,
        threshold: pooledThreshold[k].minConfidence ?? '–',
      })),
    },
    null,
    1,
  ) + '\n',
);
console.log(lines.join('\n'));

if (process.argv.includes('--write-cards')) {
  if (done !== folds) throw new Error('--write-cards needs every fold scored');
  for (const kind of ['vit', 'cnn'] as const) writeCard(kind);
}

/**
 * The shipped model's "Uncertain" threshold becomes the one fitted on the recipe's 3,000
 * out-of-fold predictions (scored by nested cross-validation above) instead of its 270
 * validation images; its calibrated probabilities are the same kind (each fold model's
 * temperature was fitted on its own validation split, as the shipped model's was).
 */
function writeThreshold(kind: 'vit' | 'cnn'): number {
  const manifestPath = join('public/models', `${kind}-${DATASET}`, 'model.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { calibration?: { minConfidence?: number } };
  const fitted = pooledThreshold[kind].minConfidence;
  if (!manifest.calibration || fitted === undefined) throw new Error(`${manifestPath}: no calibration or no threshold`);
  // rounded down, so the image that set the threshold is still answered (as selective --write does)
  manifest.calibration.minConfidence = Math.floor(fitted * 1e6) / 1e6;
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return manifest.calibration.minConfidence;
}

/** The shipped model's card gains its recipe's out-of-fold figures (JSON block + a README section, replaced on a re-run). */
function writeCard(kind: 'vit' | 'cnn'): void {
  const dir = join('public/models', `${kind}-${DATASET}`);
  const cardPath = join(dir, 'model-card.json');
  const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown>;
  const command = `npx tsx scripts/cv-report.ts --folds ${folds} --out ${out} --write-cards`;
  const minConfidence = writeThreshold(kind);
  card.crossValidation = {
    ...crossValidationBlock(report as CvReport, kind, { command, caveat: augmentationCaveat || undefined }),
    threshold: {
      ...pooledThreshold[kind],
      shipped: minConfidence,
      replaces: 'the threshold fitted on the 270 validation images (selective below)',
    },
  };
  writeFileSync(cardPath, JSON.stringify(card, null, 1));
  const readmePath = join(dir, 'README.md');
  const heading = '## Cross-validation of this recipe';
  const section = [
    heading,
    '',
    `${outOfFoldSentence(report as CvReport, kind)} ` +
      `The shipped "Uncertain" threshold is now ${minConfidence.toFixed(4)}, fitted on the ${pooledThreshold[kind].fittedOn} (same rule, target ${TARGET * 100} %), replacing the one fitted on the 270 validation images; by nested cross-validation it answers ${(pooledThreshold[kind].nested.coverage * 100).toFixed(1)} % at ${pct(pooledThreshold[kind].nested.accuracy)}. ` +
      `This is the figure to expect on unseen scans of the same sources${trainedOnFromCard(card).allLabelled ? ' (this model trained on all labelled data: it has no Testing figure)' : "; the Testing figure above is one split's, read many times, and optimistic"}. ` +
      (augmentationCaveat ? `${augmentationCaveat} ` : '') +
      `ViT + CNN ensemble ${pct(rates.ensemble)}; choice: ${choice}. \`${command}\`.`,
    '',
  ].join('\n');
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf(heading);
  const next = start < 0 ? -1 : text.indexOf('\n## ', start + heading.length);
  writeFileSync(
    readmePath,
    start < 0
      ? text.trimEnd() + '\n\n' + section
      : text.slice(0, start) + section + (next < 0 ? '' : text.slice(next + 1)),
  );
}
