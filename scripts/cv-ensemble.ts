/**
 * An ensemble of cross-validation runs on the same grouped folds, scored from the out-of-fold
 * probabilities their reports keep (`docs/cv-probabilities/<report name>.json`, scripts/cv-report.ts) without
 * the fold models: the mean of the members' calibrated probabilities, its out-of-fold accuracy
 * (Wilson, and resampling originals), paired against each member, and the nested "Uncertain"
 * rule (scripts/cvProbabilities.ts). It ships, as every candidate here, only with more
 * out-of-fold right answers than each member.
 *   npx tsx scripts/cv-ensemble.ts docs/cv-probabilities/A.json[:vit] docs/cv-probabilities/B.json[:vit] [...] [--json]
 */
import { readFileSync } from 'node:fs';
import { parseSpec } from './cvCompare';
import { signedPoints } from './cvOriginals';
import { memberOf, scoreEnsemble } from './cvProbabilities';

const specs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (specs.length < 2) {
  console.error(
    'usage: cv-ensemble.ts docs/cv-probabilities/A.json[:vit|cnn] docs/cv-probabilities/B.json[:…] [...] [--json]',
  );
  process.exit(2);
}
const members = specs.map((spec) => {
  const { path, kind } = parseSpec(spec);
  return memberOf(path.replace(/^.*\//, '').replace(/\.json$/, ''), JSON.parse(readFileSync(path, 'utf8')), kind);
});
const s = scoreEnsemble(members);
if (process.argv.includes('--json')) console.log(JSON.stringify(s, null, 1));
else {
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  console.log(
    `${s.members.join(' + ')}: ${s.right}/${s.images} = ${pct(s.accuracy.rate)} ` +
      `[${(s.accuracy.low * 100).toFixed(1)}, ${(s.accuracy.high * 100).toFixed(1)}] (Wilson), ` +
      `[${(s.byOriginals.low * 100).toFixed(1)}, ${(s.byOriginals.high * 100).toFixed(1)}] resampling ${s.byOriginals.groups} originals`,
  );
  for (const c of s.againstMembers) console.log(`  ${c.sentence}`);
  console.log(
    `  "Uncertain" (rule resampling originals, nested): ${(s.nested.coverage * 100).toFixed(1)} % answered at ${pct(s.nested.accuracy.rate)}`,
  );
  console.log(
    `  ${s.beatsEveryMember ? 'More right answers than every member' : 'Not more right answers than every member: it would not ship'} ` +
      `(members ${s.againstMembers.map((c) => c.rightB).join(', ')}; ${signedPoints((s.right - Math.max(...s.againstMembers.map((c) => c.rightB))) / s.images)} points over the best)`,
  );
}
