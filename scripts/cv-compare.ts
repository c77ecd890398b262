/**
 * Two cross-validation runs on the same grouped folds, compared image by image: the
 * difference of one candidate's out-of-fold accuracy against another's, with the 95 %
 * interval of resampling whole originals on the same draws for both (scripts/cvCompare.ts).
 * "More right answers" decides a recipe (scripts/cvRun.ts RELEASE_RUN); this says whether
 * the data could tell the two apart at all. Reads what scripts/cv-report.ts wrote.
 *   npx tsx scripts/cv-compare.ts A.json[:vit] B.json[:vit]
 * e.g. npx tsx scripts/cv-compare.ts docs/reports/cv-grouped-e40-lung-histopathology.json \
 *        docs/reports/cv-grouped-e30-lung-histopathology.json
 */
import { readFileSync } from 'node:fs';
import { comparedSide, compareRuns, parseSpec } from './cvCompare';

const specs = process.argv.slice(2);
if (specs.length !== 2 || specs.some((s) => s.startsWith('--'))) {
  console.error('usage: cv-compare.ts A.json[:vit|cnn|ensemble] B.json[:…]');
  process.exit(2);
}
const [a, b] = specs.map((spec) =>
  comparedSide(spec, JSON.parse(readFileSync(parseSpec(spec).path, 'utf8')) as object),
);
console.log(compareRuns(a, b).sentence);
