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
 *   npx tsx scripts/cv-report.ts [--folds 5] [--out docs/reports/cv-lung-histopathology]
 * Folds still training are listed as missing, not guessed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { wilson, type Rate } from '../src/learn/evaluation/domainGuardReport';
import type { SelectiveStudy } from '../src/learn/evaluation/selectiveStudy';

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
const totals: Record<Kind, { k: number; n: number; perFold: string[] }> = {
  vit: { k: 0, n: 0, perFold: [] },
  cnn: { k: 0, n: 0, perFold: [] },
  ensemble: { k: 0, n: 0, perFold: [] },
};
const missing: number[] = [];
for (let fold = 1; fold <= folds; fold++) {
  const data = join('.cache/cv', DATASET, `fold-${fold}`);
  const models = (['vit', 'cnn'] as const).map((a) => join('.cache/cv/models', `cv-${a}-${DATASET}-fold${fold}`));
  if (!models.every((m) => existsSync(join(m, 'model-card.json')))) {
    missing.push(fold);
    continue;
  }
  for (const m of models) {
    const manifest = JSON.parse(readFileSync(join(m, 'model.json'), 'utf8')) as { calibration?: unknown };
    if (!manifest.calibration) cli('calibrate', '--model', m, '--data', data);
  }
  const report = join('.cache/cv/reports', `fold-${fold}`);
  cli('selective', '--data', data, '--models', models.join(','), '--cross-validation', '--out', report);
  const study = JSON.parse(readFileSync(`${report}.json`, 'utf8')) as SelectiveStudy;
  for (const c of study.candidates) {
    const kind: Kind = c.members.length > 1 ? 'ensemble' : c.members[0].startsWith('cv-vit') ? 'vit' : 'cnn';
    if (!c.testing) throw new Error(`fold ${fold}: ${c.name} has no held-out figures (run with --cross-validation)`);
    totals[kind].k += c.testing.accuracy.k;
    totals[kind].n += c.testing.accuracy.n;
    totals[kind].perFold.push(`${c.testing.accuracy.k}/${c.testing.accuracy.n}`);
  }
}

const pct = (r: Rate) =>
  r.n === 0 ? '–' : `${(r.rate * 100).toFixed(2)} % [${(r.low * 100).toFixed(1)}, ${(r.high * 100).toFixed(1)}]`;
const rates = Object.fromEntries(Object.entries(totals).map(([kind, t]) => [kind, wilson(t.k, t.n)])) as Record<
  Kind,
  Rate
>;
const done = folds - missing.length;
const bestSingle: Kind = totals.vit.k >= totals.cnn.k ? 'vit' : 'cnn';
const choice: Kind = totals.ensemble.k > totals[bestSingle].k ? 'ensemble' : bestSingle;
const lines = [
  `# ${DATASET}: ${folds}-fold cross-validation (Training + Testing pooled)`,
  '',
  `Folds scored: ${done} of ${folds}${missing.length ? ` (still training: ${missing.join(', ')})` : ''}. ` +
    'Each fold model is the shipped recipe (scripts/recipes.sh) trained on the other folds; each figure is out-of-fold.',
  '',
  '| candidate | out-of-fold accuracy (95 % Wilson) | per fold |',
  '|---|---|---|',
  ...(Object.keys(totals) as Kind[]).map((k) => `| ${k} | ${pct(rates[k])} | ${totals[k].perFold.join(', ')} |`),
  '',
  done === folds
    ? `Choice: **${choice}** (the ensemble is chosen only with more out-of-fold right answers than the better single).`
    : 'No choice yet: not every fold is scored.',
  '',
];
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.md`, lines.join('\n'));
writeFileSync(
  `${out}.json`,
  JSON.stringify({ folds, scored: done, missing, totals, rates, choice: done === folds ? choice : null }, null, 1) +
    '\n',
);
console.log(lines.join('\n'));
