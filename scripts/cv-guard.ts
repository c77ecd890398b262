/**
 * Out-of-fold rates of a dataset's models' out-of-domain guard (issue 18's target:
 * ≥ 95 % of the dataset's own images accepted), measured on the cross-validation
 * fold models (scripts/cv-train.sh): for each fold and architecture, fits the
 * guard exactly as a shipped model's (`cipherscan guard`, on the fold's training
 * folds, threshold on its validation split; skipped when the fold model has one),
 * then reports it once (`cipherscan guard --report`, in-domain = the held-out fold,
 * out-of-domain = the other dataset's Testing, the DICOM samples, the phantoms; kept in
 * .cache/cv/guard/). The shipped models trained on all labelled data have no
 * held-out Testing split; these pooled figures are their guard's claim.
 *   npx tsx scripts/cv-guard.ts [--dataset lung-histopathology|brain-mri] [--folds 5] [--out docs/reports/cv-guard-DS]
 *     [--release | --split S --tag T | --tag-vit T --tag-cnn T]   (which run's fold models: scripts/cvRun.ts)
 * With --release (the grouped folds the shipped models' figures come from) no held-out image has a
 * detected copy of its original in the fold model's training.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Rate } from '../src/learn/evaluation/domainGuardReport';
import { DOMAIN_GUARD_FILE } from '../src/lib/diagnosis/domainGuard';
import { poolFoldGuards, type CvGuardFigures, type FoldGuardReport } from './cvGuard';
import { arg, cli } from './cliRun';
import { GROUPED_GUARANTEE, isGroupedSplit } from '../src/lib/diagnosis/cvChoice';
import { cvRunFromArgs, defaultReportOut, foldDataDir, foldModelDir, isPerImageRun, runFlags } from './cvRun';

const DATASETS = ['lung-histopathology', 'brain-mri'];
const DATASET = arg('dataset', DATASETS[0]);
if (!DATASETS.includes(DATASET)) throw new Error(`--dataset: one of ${DATASETS.join(', ')}`);
/** the other dataset's Testing images are out of domain for this one's models */
const OTHER = `../shared/datasets/${DATASETS.find((d) => d !== DATASET)}`;
const folds = Number(arg('folds', '5'));
const run = cvRunFromArgs(DATASET);
const out = arg('out', '') || defaultReportOut(run, 'cv-guard-');
/** the first (per-image) run keeps its reports where they always were; another run's beside them */
const reportDir = join('.cache/cv/guard', isPerImageRun(run) ? '' : run.split);

const ARCHS = (
  [
    ['vit', 'ViT'],
    ['cnn', 'Masked-CNN'],
  ] as const
).filter(([a]) => run.archs.includes(a));
const pooled: Record<string, CvGuardFigures> = {};
const missing: string[] = [];
mkdirSync(reportDir, { recursive: true });
for (const [arch] of ARCHS) {
  const reports: FoldGuardReport[] = [];
  for (let fold = 1; fold <= folds; fold++) {
    const model = foldModelDir(run, arch, fold);
    const name = model.split('/').pop() as string;
    const data = foldDataDir(run, fold);
    if (!existsSync(join(model, 'model-card.json'))) {
      missing.push(name);
      continue;
    }
    if (!existsSync(join(model, DOMAIN_GUARD_FILE))) cli('guard', '--model', model, '--data', data);
    const report = join(reportDir, `${name}.json`);
    if (!existsSync(report))
      cli('guard', '--report', '--model', model, '--data', data, '--other', OTHER, '--out', report);
    reports.push({ fold, sets: (JSON.parse(readFileSync(report, 'utf8')) as Pick<FoldGuardReport, 'sets'>).sets });
  }
  if (reports.length > 0) pooled[arch] = poolFoldGuards(reports);
}

function decided(r: Rate) {
  return { right: `${r.k}/${r.n}`, accuracy: r.rate, low: r.low, high: r.high };
}
const pct = (v: number) => (v * 100).toFixed(1);
const rate = (r: Rate) => `${r.k}/${r.n} = ${pct(r.rate)} % [${pct(r.low)}, ${pct(r.high)}]`;
const lines = [
  `# Out-of-domain guard, out of fold: ${DATASET}`,
  '',
  `Written by \`npx tsx scripts/cv-guard.ts${DATASET === DATASETS[0] ? '' : ` --dataset ${DATASET}`}${isPerImageRun(run) ? '' : ` ${runFlags(run)} --out ${out}`}\`. Each fold model of the 5-fold cross-validation` +
    (isPerImageRun(run)
      ? ''
      : ` on split \`${run.split}\` (${isGroupedSplit(run.split) ? `grouped folds: ${GROUPED_GUARANTEE}` : 'another split'})`),
  '(`scripts/cv-train.sh`) got its guard fitted as a shipped model does (`cipherscan guard`: its',
  'training folds, threshold accepting 99 % of its validation split), then one report: the share',
  'of its held-out fold accepted (pooled over the folds: every labelled image once, never seen by',
  'the model judging it) and the share refused of the same out-of-domain sets for every fold',
  '(worst fold quoted). The shipped models trained on all labelled images: this is their',
  "guard's in-domain figure. 95 % Wilson intervals.",
  '',
  '| model | own images accepted, out of fold | per fold | ' +
    (pooled.vit ?? pooled.cnn)?.refused.map((s) => `${s.name} refused (worst fold)`).join(' | ') +
    ' |',
  '|---|---|---|' + ((pooled.vit ?? pooled.cnn)?.refused.map(() => '---|').join('') ?? ''),
  ...ARCHS.filter(([a]) => pooled[a]).map(
    ([a, label]) =>
      `| ${label} | ${rate(pooled[a].accepted)} | ${pooled[a].acceptedPerFold.join(', ')} | ` +
      pooled[a].refused.map((s) => rate(s.worst)).join(' | ') +
      ' |',
  ),
  '',
  ...(missing.length ? [`Not yet trained (not guessed): ${missing.join(', ')}.`, ''] : []),
];
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.md`, lines.join('\n'));
// `rows` is what the report view draws (a table): `accuracy` is the share the guard decided
// right (own images accepted, others refused), with its interval
const rows = ARCHS.filter(([a]) => pooled[a]).flatMap(([a, label]) => [
  { model: label, images: 'own, held-out folds pooled', shouldBe: 'accepted', ...decided(pooled[a].accepted) },
  ...pooled[a].refused.map((s) => ({
    model: label,
    images: `${s.name} (worst fold)`,
    shouldBe: 'refused',
    ...decided(s.worst),
  })),
]);
writeFileSync(
  `${out}.json`,
  JSON.stringify(
    {
      dataset: DATASET,
      ...(isPerImageRun(run)
        ? {}
        : { split: run.split, tags: Object.fromEntries(run.archs.map((a) => [a, run.tags[a]])) }),
      folds,
      missing,
      rows,
      pooled,
    },
    null,
    2,
  ) + '\n',
);
console.log(lines.join('\n'));
