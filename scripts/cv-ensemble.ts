/**
 * An ensemble of cross-validation runs on the same grouped folds, scored from the out-of-fold
 * probabilities their reports keep (`docs/cv-probabilities/<report name>.json`, scripts/cv-report.ts) without
 * the fold models: the mean of the members' calibrated probabilities, its out-of-fold accuracy
 * (Wilson, and resampling originals), paired against each member, and the nested "Uncertain"
 * rule (scripts/cvProbabilities.ts). It ships, as every candidate here, only with more
 * out-of-fold right answers than each member, and than the recipe it would replace: name that
 * run's report with --against (its per-image right answers; its probabilities need not exist).
 *   npx tsx scripts/cv-ensemble.ts docs/cv-probabilities/A.json[:vit] docs/cv-probabilities/B.json[:vit] [...]
 *     [--against docs/reports/C.json[:vit]] [--json]
 */
import { readFileSync } from 'node:fs';
import { cvRate } from '../src/learn/evaluation/cvReport';
import { percent } from '../src/lib/diagnosis/percent';
import { comparedSide, parseSpec, reportName } from './cvCompare';
import { signedPoints } from './cvOriginals';
import { memberOf, scoreEnsemble } from './cvProbabilities';

const args = process.argv.slice(2);
for (const [i, a] of args.entries())
  if (a.startsWith('--against') && (a !== '--against' || !args[i + 1] || args[i + 1].startsWith('--'))) {
    console.error('--against needs a report: --against docs/reports/C.json[:vit]');
    process.exit(2);
  }
const againstSpecs = args.flatMap((a, i) => (args[i - 1] === '--against' ? [a] : []));
const specs = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--against');
if (specs.length < 2) {
  console.error(
    'usage: cv-ensemble.ts docs/cv-probabilities/A.json[:vit|cnn] docs/cv-probabilities/B.json[:…] [...] [--against docs/reports/C.json[:vit]] [--json]',
  );
  process.exit(2);
}
const members = specs.map((spec) => {
  const { path, kind } = parseSpec(spec);
  return memberOf(reportName(path), JSON.parse(readFileSync(path, 'utf8')), kind);
});
const against = againstSpecs.map((spec) =>
  comparedSide(spec, JSON.parse(readFileSync(parseSpec(spec).path, 'utf8')) as object),
);
const s = scoreEnsemble(members, against);
if (process.argv.includes('--json')) console.log(JSON.stringify(s, null, 1));
else {
  console.log(
    `${s.members.join(' + ')}: ${s.right}/${s.images} = ${cvRate(s.accuracy)} (Wilson), ` +
      `[${(s.byOriginals.low * 100).toFixed(1)}, ${(s.byOriginals.high * 100).toFixed(1)}] resampling ${s.byOriginals.groups} originals`,
  );
  for (const c of [...s.againstMembers, ...s.againstRuns]) console.log(`  ${c.sentence}`);
  console.log(
    `  "Uncertain" (rule resampling originals, nested): ${percent(s.nested.coverage)} answered at ${cvRate(s.nested.accuracy)}`,
  );
  const best = Math.max(...[...s.againstMembers, ...s.againstRuns].map((c) => c.rightB));
  const ships = s.beatsEveryMember && s.beatsEveryRun;
  console.log(
    `  ${ships ? 'More right answers than every member' + (s.againstRuns.length ? ' and every run it is held against' : '') : `Not more right answers than every member${s.againstRuns.length ? ' and every run held against' : ''}: it would not ship`} ` +
      `(members ${s.againstMembers.map((c) => c.rightB).join(', ')}` +
      (s.againstRuns.length ? `; against ${s.againstRuns.map((c) => c.rightB).join(', ')}` : '') +
      `; ${signedPoints((s.right - best) / s.images)} points over the best)`,
  );
}
