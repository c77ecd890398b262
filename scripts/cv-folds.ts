/**
 * K-fold cross-validation folders for issue 18's protocol ("choose models by k-fold
 * cross-validation on the data you have"): pools DS/Training and DS/Testing, deals
 * each class's images to K folds (stratified, seeded shuffle), and writes, for fold
 * k, `.cache/cv/<ds>/fold-<k>/{Training,Testing}/<class>/` of symbolic links — the
 * other K - 1 folds as Training, fold k as Testing — so `cipherscan train --data`
 * trains on them unchanged and its one Testing figure is that fold's out-of-fold
 * accuracy. Links are named `<split>__<file>`: Training and Testing may share names.
 * Also writes `.cache/cv/<ds>/folds.json` (which image is in which fold).
 *   npx tsx scripts/cv-folds.ts --data ../shared/datasets/lung-histopathology [--folds 5] [--seed 1]
 * With `--groups .cache/cv/<ds>/groups.json` (scripts/near-duplicates.ts: image ->
 * presumed original) the folds are grouped — all copies of one original in one
 * fold (learn/evaluation/duplicateGroups.ts dealGroupedFolds) — and go to
 * `.cache/cv/<ds>-grouped/` instead, beside the per-image folds; folds.json records the
 * groups file and its sha256, and each fold gets `fold-<k>/groups.json`: the same groups
 * keyed by the fold's own paths (`Training/<class>/<split>__<file>`), which
 * `cipherscan train --groups` reads to draw the fold's validation by whole groups too
 * (scripts/cv-train.sh passes it when folds.json names a groups file).
 * Run by scripts/cv-train.sh; idempotent (a fold folder is rebuilt from scratch).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { SeededRandom } from '../src/lib/random/seededRandom';
import { dealGroupedFolds } from '../src/learn/evaluation/duplicateGroups';
import { arg } from './cliRun';

const data = resolve(arg('data'));
const folds = Number(arg('folds', '5'));
const seed = Number(arg('seed', '1'));
if (!Number.isInteger(folds) || folds < 2) throw new Error('--folds must be an integer of at least 2');
const groupsPath = process.argv.includes('--groups') ? arg('groups') : undefined;
const out = resolve('.cache/cv', basename(data) + (groupsPath ? '-grouped' : ''));

const IMAGE = /\.(jpe?g|png|dcm)$/i;
const byClass = new Map<string, string[]>();
for (const split of ['Training', 'Testing']) {
  for (const cls of readdirSync(join(data, split)).sort()) {
    const files = readdirSync(join(data, split, cls))
      .filter((f) => IMAGE.test(f))
      .sort()
      .map((f) => join(split, cls, f));
    byClass.set(cls, [...(byClass.get(cls) ?? []), ...files]);
  }
}

const rng = new SeededRandom(seed);
let assignment: Record<string, number> = {};
let group: Record<string, number> = {};
let groupsSha256 = '';
if (groupsPath) {
  const bytes = readFileSync(groupsPath);
  groupsSha256 = createHash('sha256').update(bytes).digest('hex');
  ({ group } = JSON.parse(bytes.toString('utf8')) as { group: Record<string, number> });
  const groupOf = (image: string) => {
    if (group[image] === undefined)
      throw new Error(`${groupsPath} has no group for ${image}: rerun near-duplicates.ts`);
    return group[image];
  };
  assignment = dealGroupedFolds(byClass, groupOf, folds, (groups) => rng.shuffle(groups));
} else {
  for (const files of byClass.values()) {
    const order = files.slice();
    rng.shuffle(order);
    order.forEach((file, i) => (assignment[file] = i % folds));
  }
}

for (let k = 0; k < folds; k++) {
  const dir = join(out, `fold-${k + 1}`);
  rmSync(dir, { recursive: true, force: true });
  const foldGroup: Record<string, number> = {};
  for (const [file, fold] of Object.entries(assignment)) {
    const [split, cls, name] = file.split('/');
    const side = fold === k ? 'Testing' : 'Training';
    const target = join(dir, side, cls);
    mkdirSync(target, { recursive: true });
    symlinkSync(join(data, file), join(target, `${split}__${name}`));
    foldGroup[`${side}/${cls}/${split}__${name}`] = group[file];
  }
  // the fold's own paths, as `train --data fold-K --groups fold-K/groups.json` names its images
  if (groupsPath)
    writeFileSync(
      join(dir, 'groups.json'),
      JSON.stringify({ data: dir, source: groupsPath, sourceSha256: groupsSha256, group: foldGroup }, null, 1) + '\n',
    );
}
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'folds.json'),
  JSON.stringify(
    { data, folds, seed, ...(groupsPath ? { groups: groupsPath, groupsSha256 } : {}), assignment },
    null,
    1,
  ) + '\n',
);
const sizes = Array.from({ length: folds }, (_, k) => Object.values(assignment).filter((f) => f === k).length);
console.log(`${out}: ${folds} folds of ${sizes.join(' / ')} images`);
