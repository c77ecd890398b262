/**
 * How many images of a LC25000-derived dataset are near-duplicates of each other
 * (augmented copies of one original), and how many sit across the k-fold split of
 * scripts/cv-folds.ts (issue 18: the cross-validation figure counts on held-out
 * images being unseen). Pools DS/Training and DS/Testing (decoded once, cached by
 * learn/training/dataset.ts), gives each image the rotation-, flip- and zoom-robust
 * ring descriptor of learn/evaluation/nearDuplicates.ts, and calibrates the
 * "same original" threshold with no ground truth: two LC25000-style copies of one
 * pool image (learn/evaluation/lc25000Augment.ts) are known duplicates, two images
 * of different classes are known different; the threshold is the 1st percentile of
 * the known duplicates' similarity. Same-class pairs at or above it are edges;
 * their connected components are the groups (presumed originals).
 *   nice -n 15 npx tsx scripts/near-duplicates.ts --data ../shared/datasets/lung-histopathology \
 *     --folds .cache/cv/lung-histopathology/folds.json [--calibration 300] [--seed 1]
 * Writes docs/reports/near-duplicates-<ds>.{md,json} and .cache/cv/<ds>/groups.json
 * (image -> group, the input a grouped k-fold split would deal by). Never logs pixels.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { loadImageSet } from '../src/learn/training/dataset';
import { mergeImageSets } from '../src/learn/training/labelledData';
import { wilson } from '../src/learn/evaluation/domainGuardReport';
import { applyLc25000, randomLc25000Transform } from '../src/learn/evaluation/lc25000Augment';
import {
  RING_DESCRIPTOR,
  pairSimilarity,
  ringDescriptors,
  ringMean,
  standardiseRings,
} from '../src/learn/evaluation/nearDuplicates';
import {
  connectedComponents,
  groupSizes,
  hasNeighbourAcross,
  samplingExpectation,
} from '../src/learn/evaluation/duplicateGroups';
import { SeededRandom } from '../src/lib/random/seededRandom';
import { nearDuplicateMarkdown, type NearDuplicateReport } from './nearDuplicateReport';
import { arg } from './cliRun';
import { writeGroupsFile } from './groupsFile';

const data = resolve(arg('data'));
const ds = basename(data);
const foldsPath = arg('folds', `.cache/cv/${ds}/folds.json`);
const calibrationImages = Number(arg('calibration', '300'));
const differentPairs = Number(arg('different-pairs', '200000'));
const seed = Number(arg('seed', '1'));
const SIZE = 200;
const log = (line: string) => console.log(line);
const seconds = (t: number) => `${((Date.now() - t) / 1000).toFixed(0)} s`;

const pool = mergeImageSets(
  await Promise.all(
    ['Training', 'Testing'].map(async (name) => ({
      name,
      set: await loadImageSet(join(data, name), SIZE, '.cache/datasets', log),
    })),
  ),
);
const n = pool.files.length;
const folds = JSON.parse(readFileSync(foldsPath, 'utf8')) as { folds: number; assignment: Record<string, number> };
const fold = pool.files.map((f) => {
  const k = folds.assignment[f];
  if (k === undefined) throw new Error(`${f} is not in ${foldsPath}`);
  return k;
});
const image = (i: number) => pool.pixels.subarray(i * SIZE * SIZE * 3, (i + 1) * SIZE * SIZE * 3);

// descriptors and same-class similarities, cached: the pairs take minutes, the report seconds
const cacheStem = join(
  '.cache/near-duplicates',
  `${ds}-${createHash('sha256')
    .update(JSON.stringify([pool.files, RING_DESCRIPTOR, SIZE]))
    .digest('hex')
    .slice(0, 16)}`,
);
mkdirSync(dirname(cacheStem), { recursive: true });
const width = RING_DESCRIPTOR.rings * RING_DESCRIPTOR.harmonics;
const hypotheses = RING_DESCRIPTOR.hypotheses.length;
let t = Date.now();
if (!existsSync(`${cacheStem}-descriptors.bin`)) {
  const all = new Float32Array(n * hypotheses * width);
  for (let i = 0; i < n; i++)
    ringDescriptors(image(i), SIZE).forEach((d, h) => all.set(d, (i * hypotheses + h) * width));
  writeFileSync(`${cacheStem}-descriptors.bin`, all);
  log(`descriptors of ${n} images in ${seconds(t)}`);
}
const flat = new Float32Array(readFileSync(`${cacheStem}-descriptors.bin`).buffer.slice(0));
const raw = Array.from({ length: n * hypotheses }, (_, k) => flat.subarray(k * width, (k + 1) * width));
const mean = ringMean(raw);
const desc = Array.from({ length: n }, (_, i) =>
  raw.slice(i * hypotheses, (i + 1) * hypotheses).map((d) => standardiseRings(d, mean)),
);

// calibration: known duplicates are LC25000-style copies of pool images, seeded, spread over the classes
const rng = new SeededRandom(seed);
const order = Array.from({ length: n }, (_, i) => i);
rng.shuffle(order);
const calibrationPerClass = Math.ceil(calibrationImages / pool.classes.length);
const chosen = pool.classes.flatMap((_, c) => order.filter((i) => pool.labels[i] === c).slice(0, calibrationPerClass));
const next = () => rng.next();
const copy = (i: number) =>
  ringDescriptors(applyLc25000(image(i), SIZE, randomLc25000Transform(next)), SIZE).map((d) =>
    standardiseRings(d, mean),
  );
t = Date.now();
/** two copies of one pool image: both stretched again, harder than two copies of an original (the threshold's set) */
const twoCopies = chosen.map((i) => pairSimilarity(copy(i), copy(i))).sort((a, b) => a - b);
/** a pool image and one copy of it: one stretch between them, as between two copies of an original when one is at 0° */
const imageAndCopy = chosen.map((i) => pairSimilarity(desc[i], copy(i))).sort((a, b) => a - b);
const threshold = twoCopies[Math.floor(0.01 * twoCopies.length)];
log(`calibration: ${chosen.length} images, threshold ${threshold.toFixed(4)} (${seconds(t)})`);

// same-class pairs (the candidate edges), all of them, cached
const pairsPath = `${cacheStem}-same-class.bin`;
const sameIndex: [number, number][] = [];
for (let i = 0; i < n; i++)
  for (let j = i + 1; j < n; j++) if (pool.labels[i] === pool.labels[j]) sameIndex.push([i, j]);
if (!existsSync(pairsPath)) {
  t = Date.now();
  const sims = new Float32Array(sameIndex.length);
  sameIndex.forEach(([i, j], k) => {
    sims[k] = pairSimilarity(desc[i], desc[j]);
    if ((k + 1) % 250000 === 0) log(`${k + 1}/${sameIndex.length} same-class pairs (${seconds(t)})`);
  });
  writeFileSync(pairsPath, sims);
}
const sameSims = new Float32Array(readFileSync(pairsPath).buffer.slice(0));
// known different: a seeded sample of different-class pairs
t = Date.now();
const differentSims: number[] = [];
while (differentSims.length < differentPairs) {
  const i = rng.int(n);
  const j = rng.int(n);
  if (pool.labels[i] !== pool.labels[j]) differentSims.push(pairSimilarity(desc[i], desc[j]));
}
differentSims.sort((a, b) => a - b);
log(`${differentPairs} different-class pairs (${seconds(t)})`);

const edges = sameIndex.filter((_, k) => sameSims[k] >= threshold);
const nearestSameClass = new Float32Array(n).fill(-1);
sameIndex.forEach(([i, j], k) => {
  nearestSameClass[i] = Math.max(nearestSameClass[i], sameSims[k]);
  nearestSameClass[j] = Math.max(nearestSameClass[j], sameSims[k]);
});
const nearest = Array.from(nearestSameClass).sort((a, b) => a - b);
const falseMatches = differentSims.length - lowerBound(differentSims, threshold);

function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
const quantiles = (sorted: number[]) =>
  Object.fromEntries(
    [0, 1, 5, 25, 50, 75, 95, 99, 100].map((q) => [
      `p${q}`,
      sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))],
    ]),
  );
/** counts on a common grid of similarity, for the report's figure */
const HISTOGRAM = { from: -0.2, to: 1, bins: 24 };
const histogram = (sorted: number[]) =>
  Array.from({ length: HISTOGRAM.bins }, (_, b) => {
    const step = (HISTOGRAM.to - HISTOGRAM.from) / HISTOGRAM.bins;
    const hi = b === HISTOGRAM.bins - 1 ? Infinity : HISTOGRAM.from + step * (b + 1);
    return lowerBound(sorted, hi) - (b === 0 ? 0 : lowerBound(sorted, HISTOGRAM.from + step * b));
  });

const component = connectedComponents(n, edges);
const withAny = hasNeighbourAcross(n, edges, () => true);
const acrossFold = hasNeighbourAcross(n, edges, (i, j) => fold[i] !== fold[j]);
const isTesting = pool.files.map((f) => f.startsWith('Testing/'));
const testingLeak = hasNeighbourAcross(n, edges, (i, j) => isTesting[i] && !isTesting[j]);
const count = (xs: boolean[], keep: (i: number) => boolean = () => true) => xs.filter((x, i) => x && keep(i)).length;
const total = (keep: (i: number) => boolean) => pool.files.filter((_, i) => keep(i)).length;

// the cross-validation's per-fold out-of-fold accuracy (ViT, the shipped recipe), beside each fold's leakage
const cv = JSON.parse(readFileSync(`docs/reports/cv-${ds}.json`, 'utf8')) as { totals: { vit: { perFold: string[] } } };
const perClass = pool.classes.map((className, c) => {
  const members = pool.files.map((_, i) => i).filter((i) => pool.labels[i] === c);
  const expected = samplingExpectation(250, 20, members.length);
  return {
    className,
    images: members.length,
    groups: new Set(members.map((i) => component[i])).size,
    largestGroup: Math.max(...groupSizes(component.filter((_, i) => pool.labels[i] === c)).map(([size]) => size)),
    expectedOriginals: expected.distinctOriginals,
    expectedShareWithCopy: expected.shareWithCopy,
  };
});

// LC25000 has 20 copies of each original: a larger group holds false joins (a chain through look-alikes)
const COPIES_PER_ORIGINAL = 20;
const groupSize = new Map<number, number>();
for (const c of component) groupSize.set(c, (groupSize.get(c) ?? 0) + 1);
const oversized = (i: number) => groupSize.get(component[i])! > COPIES_PER_ORIGINAL;

const report: NearDuplicateReport = {
  dataset: ds,
  command: `nice -n 15 npx tsx scripts/near-duplicates.ts --data ${arg('data')} --folds ${foldsPath}`,
  images: n,
  descriptor: { ...RING_DESCRIPTOR, inputSize: SIZE },
  calibration: {
    images: chosen.length,
    threshold,
    twoCopies: quantiles(twoCopies),
    imageAndCopy: quantiles(imageAndCopy),
    differentClass: quantiles(differentSims),
    nearestSameClass: quantiles(nearest),
    histogram: {
      ...HISTOGRAM,
      twoCopies: histogram(twoCopies),
      imageAndCopy: histogram(imageAndCopy),
      differentClass: histogram(differentSims),
      nearestSameClass: histogram(nearest),
    },
    imageAndCopyBelowThreshold: wilson(lowerBound(imageAndCopy, threshold), imageAndCopy.length),
    differentClassAtOrAbove: wilson(falseMatches, differentSims.length),
  },
  sameClassPairs: sameIndex.length,
  edges: edges.length,
  withNearDuplicateInPool: wilson(count(withAny), n),
  withNearDuplicateInOtherFold: wilson(count(acrossFold), n),
  testingWithNearDuplicateInTraining: wilson(
    count(testingLeak),
    total((i) => isTesting[i]),
  ),
  perFold: Array.from({ length: folds.folds }, (_, k) => {
    const [right, of] = cv.totals.vit.perFold[k].split('/').map(Number);
    const leak = wilson(
      count(acrossFold, (i) => fold[i] === k),
      total((i) => fold[i] === k),
    );
    return {
      fold: k + 1,
      heldOut: leak.n,
      withNearDuplicateInTraining: leak.k,
      share: leak.rate,
      low: leak.low,
      high: leak.high,
      accuracy: right / of,
    };
  }),
  oversizedGroups: {
    limit: COPIES_PER_ORIGINAL,
    groups: [...groupSize.values()].filter((size) => size > COPIES_PER_ORIGINAL).length,
    images: total(oversized),
    withNearDuplicateInOtherFoldOutside: wilson(
      count(acrossFold, (i) => !oversized(i)),
      total((i) => !oversized(i)),
    ),
  },
  groups: {
    total: new Set(component).size,
    sizes: groupSizes(component).map(([size, groups]) => ({ size, groups })),
    perClass,
  },
};

const groupsPath = writeGroupsFile(ds, data, threshold, pool.files, component);
const out = join('docs/reports', `near-duplicates-${ds}`);
writeFileSync(`${out}.json`, JSON.stringify(report, null, 1) + '\n');
writeFileSync(`${out}.md`, nearDuplicateMarkdown(report, groupsPath));
log(`${out}.{md,json}; groups: ${resolve(groupsPath)}`);
