/**
 * How much the validation split inside each grouped fold's training leaks (issue 18):
 * for fold K of `.cache/cv/<split>/` (scripts/cv-folds.ts --groups), the validation
 * images `cipherscan train` would hold out of fold-K/Training (seed 1, 10 %: the split
 * every fold model used), drawn per image and by whole groups (`train --groups`), and
 * how many of them share a near-duplicate group with an image left in training.
 * Reads file names and fold-K/groups.json only; decodes no image, trains nothing.
 *   npx tsx scripts/fold-validation-leak.ts [--split lung-histopathology-grouped] [--folds 5]
 */
import { join } from 'node:path';
import { listImages } from '../src/learn/training/dataset';
import { splitData } from '../src/learn/training/data';
import { SHIPPED_SPLIT } from '../src/learn/training/calibrate';
import { readValidationGroups } from '../src/learn/training/validationGroups';
import { arg } from './cliRun';

const split = arg('split', 'lung-histopathology-grouped');
const folds = Number(arg('folds', '5'));
const totals = { perImage: [0, 0], grouped: [0, 0] };
for (let k = 1; k <= folds; k++) {
  const dir = join('.cache/cv', split, `fold-${k}`);
  const { classes, files, labels } = await listImages(join(dir, 'Training'));
  const set = { classes, files, labels: Uint8Array.from(labels), size: 1, pixels: new Uint8Array(0) };
  const groups = await readValidationGroups(
    join(dir, 'groups.json'),
    files.map((f) => `Training/${f}`),
    console.log,
  );
  const cells = (['perImage', 'grouped'] as const).map((how) => {
    const opts = { ...SHIPPED_SPLIT, ...(how === 'grouped' ? { validationGroups: groups } : {}) };
    const { trainIdx, valIdx } = splitData(set, opts, () => {});
    const inTraining = new Set(trainIdx.map((i) => groups.groupOf[i]));
    const leaked = valIdx.filter((i) => inTraining.has(groups.groupOf[i])).length;
    totals[how][0] += leaked;
    totals[how][1] += valIdx.length;
    return `${how === 'grouped' ? 'by groups' : 'per image'} ${leaked} of ${valIdx.length}`;
  });
  console.log(`fold ${k}: validation images with a copy in training: ${cells.join('; ')}`);
}
const share = ([k, n]: number[]) => `${k} of ${n} (${((100 * k) / Math.max(1, n)).toFixed(1)} %)`;
console.log(`all folds: per image ${share(totals.perImage)}; by groups ${share(totals.grouped)}`);
