/**
 * Two cross-validation runs on the same grouped folds, compared image by image: the
 * difference of one candidate's out-of-fold accuracy against another's, with the 95 %
 * interval of resampling whole originals on the same draws for both (paired group
 * bootstrap, src/learn/evaluation/groupBootstrap.ts). "More right answers" decides a
 * recipe (scripts/cvRun.ts RELEASE_RUN); this says whether the data could tell the two
 * apart at all. Reads what scripts/cv-report.ts wrote (`heldOut`: per held-out image its
 * original and each candidate's right answers); refuses reports of other images.
 *   npx tsx scripts/cv-compare.ts A.json[:vit] B.json[:vit] [--md]
 * e.g. npx tsx scripts/cv-compare.ts docs/reports/cv-grouped-e40-lung-histopathology.json \
 *        docs/reports/cv-grouped-e30-lung-histopathology.json
 */
import { readFileSync } from 'node:fs';
import { pairedGroupBootstrap } from '../src/learn/evaluation/groupBootstrap';
import { signedPoints } from './cvOriginals';

interface HeldOut {
  filesSha256: string;
  groups: string;
  right: Record<string, string>;
}

/** "path.json:kind" (kind defaults to vit) → that candidate's right answers and the images' originals */
function side(spec: string) {
  const [path, kind = 'vit'] = spec.split(/:(?=[a-z]+$)/);
  const report = JSON.parse(readFileSync(path, 'utf8')) as { heldOut?: HeldOut };
  const held = report.heldOut;
  if (!held) throw new Error(`${path} has no per-image outcomes: re-run scripts/cv-report.ts on grouped folds`);
  const right = held.right[kind];
  if (right === undefined)
    throw new Error(`${path} has no candidate ${kind} (it has ${Object.keys(held.right).join(', ')})`);
  return {
    name: `${path.replace(/^.*\//, '').replace(/\.json$/, '')}:${kind}`,
    held,
    right: [...right].map((c) => c === '1'),
  };
}

const specs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (specs.length !== 2) {
  console.error('usage: cv-compare.ts A.json[:vit|cnn|ensemble] B.json[:…]');
  process.exit(2);
}
const [a, b] = specs.map(side);
if (a.held.filesSha256 !== b.held.filesSha256 || a.held.groups !== b.held.groups)
  throw new Error(
    'the two reports scored different held-out images (other folds or another order): no paired comparison',
  );
const groups = a.held.groups.split(',').map(Number);
const d = pairedGroupBootstrap(a.right, b.right, groups);
const count = (r: boolean[]) => r.filter(Boolean).length;
const signed = signedPoints;
const onlyA = a.right.filter((r, i) => r && !b.right[i]).length;
const onlyB = b.right.filter((r, i) => r && !a.right[i]).length;
console.log(
  `${a.name} − ${b.name}: ${count(a.right)} vs ${count(b.right)} right of ${groups.length} ` +
    `(right only in the first ${onlyA}, only in the second ${onlyB}): ${signed(d.difference)} points, ` +
    `95 % [${signed(d.low)}, ${signed(d.high)}] resampling ${d.groups} originals (${d.resamples} paired draws)` +
    (d.low <= 0 && d.high >= 0 ? ': the data cannot tell them apart' : ''),
);
