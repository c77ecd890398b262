/**
 * How many images of a dataset are copies of each other — the same scan again,
 * resized, re-encoded, mirrored or with other margins — within Training and
 * between Training and Testing, and what that does to the shipped models' Testing
 * figures (issue 18). For sets assembled from several public sources (Brain Tumor
 * MRI: figshare + SARTAJ + Br35H); LC25000's rotated copies need
 * scripts/near-duplicates.ts instead. Pools DS/Training and DS/Testing (decoded
 * once, cached by learn/training/dataset.ts), gives each image the thumbnail
 * descriptor of learn/evaluation/imageCopies.ts and compares every pair, across
 * classes too. The "copy" threshold is calibrated with no ground truth: copies of
 * pool images made here (learn/evaluation/copyTransform.ts) are known duplicates,
 * the threshold is their 1st percentile. Different-class pairs are not used to set
 * it (this set is known to hold one scan under two labels); they are reported
 * apart. Byte-identical files are "exact" copies. With --models, each model's
 * Testing logits (cached in .cache/predictions, as `cipherscan selective` caches
 * them) are scored on the Testing images with and without a copy in Training.
 *   nice -n 15 npx tsx scripts/image-copies.ts --data ../shared/datasets/brain-mri \
 *     [--models public/models/vit-brain-mri,public/models/cnn-brain-mri] [--calibration 400] [--seed 1]
 * Writes docs/reports/near-duplicates-<ds>.{md,json}, and .cache/cv/<ds>/groups.json (each
 * image's group: `cv-folds.ts --groups` makes grouped folds of it, as for lung). Never logs or
 * writes pixels: file names and similarities only.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { loadImageSet } from '../src/learn/training/dataset';
import { mergeImageSets } from '../src/learn/training/labelledData';
import { wilson } from '../src/learn/evaluation/domainGuardReport';
import { THUMBNAIL_DESCRIPTOR, copySimilarity, thumbnailDescriptor } from '../src/learn/evaluation/imageCopies';
import { applyCopyTransform, randomCopyTransform } from '../src/learn/evaluation/copyTransform';
import {
  connectedComponents,
  copyStatus,
  groupSizes,
  hasNeighbourAcross,
  type CopyStatus,
} from '../src/learn/evaluation/duplicateGroups';
import { predictSet } from '../src/learn/evaluation/batchPredict';
import { cachedLogits, modelHash } from '../src/learn/evaluation/predictionCache';
import { certaintyOfLogits } from '../src/lib/diagnosis/abstention';
import { decodeImageFile } from '../src/lib/decode';
import { load } from '../src/lib/models/model';
import { SeededRandom } from '../src/lib/random/seededRandom';
import { useWasmBackend } from '../src/apps/cli/commands/train';
import { imageCopiesMarkdown, type CopyPair, type ImageCopiesReport } from './imageCopiesReport';
import { arg } from './cliRun';
import { writeGroupsFile } from './groupsFile';

const data = resolve(arg('data'));
const ds = basename(data);
const modelDirs = arg('models', '').split(',').filter(Boolean);
const calibrationImages = Number(arg('calibration', '400'));
const seed = Number(arg('seed', '1'));
/** a threshold to use instead of the calibrated one (both are reported) */
const fixedThreshold = arg('threshold', '');
const SIZE = 200;
/** pairs at or above this are kept (for the examples and the threshold table); far below any copy */
const KEEP = 0.8;
const log = (line: string) => console.log(line);
const seconds = (t: number) => `${((Date.now() - t) / 1000).toFixed(0)} s`;

const splits = await Promise.all(
  ['Training', 'Testing'].map(async (name) => ({
    name,
    set: await loadImageSet(join(data, name), SIZE, '.cache/datasets', log),
  })),
);
const pool = mergeImageSets(splits);
const n = pool.files.length;
const image = (i: number) => pool.pixels.subarray(i * SIZE * SIZE * 3, (i + 1) * SIZE * SIZE * 3);
const isTesting = pool.files.map((f) => f.startsWith('Testing/'));
const labels = pool.labels;

// exact copies: the same bytes on disk
const fileHash = pool.files.map((f) =>
  createHash('sha256')
    .update(readFileSync(join(data, f)))
    .digest('hex'),
);

const t = Date.now();
const desc = Array.from({ length: n }, (_, i) => thumbnailDescriptor(image(i), SIZE));
log(`descriptors of ${n} images in ${seconds(t)}`);

// calibration: copies of pool images made here are known duplicates, seeded, spread over the classes
const rng = new SeededRandom(seed);
const order = Array.from({ length: n }, (_, i) => i);
rng.shuffle(order);
const perClass = Math.ceil(calibrationImages / pool.classes.length);
const chosen = pool.classes.flatMap((_, c) => order.filter((i) => labels[i] === c).slice(0, perClass));
const next = () => rng.next();
const knownCopies = chosen
  .map((i) =>
    copySimilarity(desc[i], thumbnailDescriptor(applyCopyTransform(image(i), SIZE, randomCopyTransform(next)), SIZE)),
  )
  .sort((a, b) => a - b);
const calibrated = knownCopies[Math.floor(0.01 * knownCopies.length)];
const threshold = fixedThreshold ? Number(fixedThreshold) : calibrated;
log(
  `calibration: ${chosen.length} copies, calibrated threshold ${calibrated.toFixed(4)}; using ${threshold.toFixed(4)}`,
);

// every pair, across classes too: histograms of all, the pairs above KEEP kept
const HISTOGRAM = { from: 0.5, to: 1, bins: 25 };
const binOf = (s: number) =>
  Math.min(
    HISTOGRAM.bins - 1,
    Math.max(0, Math.floor(((s - HISTOGRAM.from) / (HISTOGRAM.to - HISTOGRAM.from)) * HISTOGRAM.bins)),
  );
// cached: the pairs take minutes, the report seconds; the key holds the descriptor's code
const cachePath = join(
  '.cache/image-copies',
  `${ds}-${createHash('sha256')
    .update(JSON.stringify([pool.files, THUMBNAIL_DESCRIPTOR, SIZE, KEEP]))
    .update(readFileSync('src/learn/evaluation/imageCopies.ts'))
    .digest('hex')
    .slice(0, 16)}.json`,
);
interface PairPass {
  sameClassHistogram: number[];
  differentClassHistogram: number[];
  kept: { i: number; j: number; s: number }[];
  nearest: number[];
}
function pairPass(): PairPass {
  const sameClassHistogram = new Array<number>(HISTOGRAM.bins).fill(0);
  const differentClassHistogram = new Array<number>(HISTOGRAM.bins).fill(0);
  const kept: { i: number; j: number; s: number }[] = [];
  const nearest = new Array<number>(n).fill(-1);
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = copySimilarity(desc[i], desc[j]);
      (labels[i] === labels[j] ? sameClassHistogram : differentClassHistogram)[binOf(s)]++;
      if (s > nearest[i]) nearest[i] = s;
      if (s > nearest[j]) nearest[j] = s;
      if (s >= KEEP || fileHash[i] === fileHash[j]) kept.push({ i, j, s });
    }
    if ((i + 1) % 1000 === 0) log(`${i + 1}/${n} rows of pairs (${seconds(t0)})`);
  }
  log(`${(n * (n - 1)) / 2} pairs in ${seconds(t0)}; ${kept.length} at or above ${KEEP}`);
  return { sameClassHistogram, differentClassHistogram, kept, nearest };
}
if (!existsSync(cachePath)) {
  mkdirSync(dirname(cachePath), { recursive: true });
  writeFileSync(cachePath, JSON.stringify(pairPass()));
}
const { sameClassHistogram, differentClassHistogram, kept, nearest } = JSON.parse(
  readFileSync(cachePath, 'utf8'),
) as PairPass;
const knownHistogram = new Array<number>(HISTOGRAM.bins).fill(0);
for (const s of knownCopies) knownHistogram[binOf(s)]++;
const nearestHistogram = new Array<number>(HISTOGRAM.bins).fill(0);
for (const s of nearest) nearestHistogram[binOf(s)]++;

const exact = (p: { i: number; j: number }) => fileHash[p.i] === fileHash[p.j];
const edgesAt = (level: number) => kept.filter((p) => p.s >= level || exact(p)).map((p) => [p.i, p.j] as const);
const edges = edgesAt(threshold);
const edgePairs = kept.filter((p) => p.s >= threshold || exact(p));
const count = (xs: readonly boolean[], keep: (i: number) => boolean = () => true) =>
  xs.filter((x, i) => x && keep(i)).length;
const testingTotal = isTesting.filter(Boolean).length;
const trainingTotal = n - testingTotal;
const testingLeak = (e: (readonly [number, number])[]) =>
  wilson(count(hasNeighbourAcross(n, e, (i, j) => isTesting[i] && !isTesting[j])), testingTotal);
const withinTraining = (e: (readonly [number, number])[]) =>
  wilson(
    count(
      hasNeighbourAcross(n, e, (i, j) => !isTesting[i] && !isTesting[j]),
      (i) => !isTesting[i],
    ),
    trainingTotal,
  );

const component = connectedComponents(n, edges);
const exactPairs = kept.filter(exact);
const sides = (p: { i: number; j: number }) =>
  isTesting[p.i] && isTesting[p.j]
    ? 'Testing–Testing'
    : isTesting[p.i] || isTesting[p.j]
      ? 'Testing–Training'
      : 'Training–Training';
const crossClass = edgePairs.filter((p) => labels[p.i] !== labels[p.j]).sort((a, b) => b.s - a.s);
const dims = new Map<number, string>();
async function sizeOf(i: number): Promise<string> {
  if (!dims.has(i)) {
    const decoded = await decodeImageFile(new Uint8Array(await readFile(join(data, pool.files[i]))), pool.files[i]);
    dims.set(i, `${decoded.image.width}x${decoded.image.height}`);
  }
  return dims.get(i)!;
}
const described = async (p: { i: number; j: number; s: number }): Promise<CopyPair> => ({
  a: pool.files[p.i],
  b: pool.files[p.j],
  similarity: p.s,
  exact: exact(p),
  sizes: [await sizeOf(p.i), await sizeOf(p.j)],
});
// the pairs nearest the threshold, either side: what a reader checks the threshold against
const byDistance = [...kept].sort((a, b) => Math.abs(a.s - threshold) - Math.abs(b.s - threshold));
const justAbove = byDistance.filter((p) => p.s >= threshold && !exact(p)).slice(0, 5);
const justBelow = byDistance.filter((p) => p.s < threshold).slice(0, 5);

// the shipped models on Testing, split by whether a Testing image has a copy in Training
const testingIndex = pool.files.map((_, i) => i).filter((i) => isTesting[i]);
const testingSet = splits[1].set;
const SUBSETS: (CopyStatus | 'all' | 'anyCopy')[] = ['all', 'unseen', 'anyCopy', 'copySameLabel', 'copyOtherLabelOnly'];
const inSubset = (subset: (typeof SUBSETS)[number], s: CopyStatus) =>
  subset === 'all' || (subset === 'anyCopy' ? s !== 'unseen' : s === subset);
/** per model: whether it answers each Testing image right (in testingIndex order) */
const rightByModel = new Map<string, boolean[]>();
/**
 * per model that ships an "Uncertain" threshold: whether it gives a class on each Testing image
 * (calibrated top probability at or above `calibration.minConfidence`), in testingIndex order
 */
const answeredByModel = new Map<string, { answered: boolean[]; minConfidence: number }>();
if (modelDirs.length) await useWasmBackend();
for (const dir of modelDirs) {
  const name = basename(resolve(dir));
  const model = await load({ loader: async (f) => new Uint8Array(await readFile(join(dir, f))) });
  try {
    if (model.classes.join() !== pool.classes.join()) throw new Error(`${dir} has classes ${model.classes.join(', ')}`);
    // the key `cipherscan selective` uses, so either reuses the other's forward pass
    const logits = await cachedLogits(
      `${name}-${await modelHash(dir)}-testing-${testingSet.labels.length}`,
      async () => (await predictSet(model, testingSet)).logits,
      log,
    );
    rightByModel.set(
      name,
      testingIndex.map((i, k) => logits[k].indexOf(Math.max(...logits[k])) === labels[i]),
    );
    const minConfidence = model.minConfidence;
    if (minConfidence !== undefined)
      answeredByModel.set(name, {
        minConfidence,
        answered: logits.map(
          (row) => !certaintyOfLogits(row, { temperature: model.temperature, minConfidence }).uncertain,
        ),
      });
  } finally {
    model.dispose();
  }
}
const scoresAt = (e: (readonly [number, number])[]): ImageCopiesReport['testingByCopy'] => {
  const st = copyStatus(n, e, isTesting, labels);
  return [...rightByModel].flatMap(
    ([model, right]) =>
      SUBSETS.map((subset) => {
        const members = testingIndex.map((_, k) => k).filter((k) => inSubset(subset, st[testingIndex[k]]!));
        const r = wilson(members.filter((k) => right[k]).length, members.length);
        return { model, subset, n: r.n, right: r.k, accuracy: r.rate, low: r.low, high: r.high };
      }).filter((row) => row.n > 0), // an empty subset has no accuracy (NaN would be written as null)
  );
};
const status = copyStatus(n, edges, isTesting, labels);
const scores = scoresAt(edges);
// per class: the "no copy" subset is mostly one class, so its figure mixes leakage with that class's difficulty;
// within one class, with and without a copy, the difference is the leakage's
const byClass: ImageCopiesReport['testingByClassAndCopy'] = [...rightByModel].flatMap(([model, right]) =>
  pool.classes.flatMap((className, c) =>
    (['unseen', 'anyCopy'] as const)
      .map((subset) => {
        const members = testingIndex
          .map((_, k) => k)
          .filter((k) => labels[testingIndex[k]] === c && inSubset(subset, status[testingIndex[k]]!));
        const r = wilson(members.filter((k) => right[k]).length, members.length);
        return { model, className, subset, n: r.n, right: r.k, accuracy: r.rate, low: r.low, high: r.high };
      })
      .filter((row) => row.n > 0),
  ),
);

// the shipped "Uncertain" rule (fitted on a validation split whose images mostly have copies in training):
// what it answers, and how well, on Testing scans with and without a copy in Training
const selectiveByCopy: ImageCopiesReport['testingSelectiveByCopy'] = [...answeredByModel].flatMap(
  ([model, { answered, minConfidence }]) =>
    (['all', 'unseen', 'anyCopy'] as const).map((subset) => {
      const members = testingIndex.map((_, k) => k).filter((k) => inSubset(subset, status[testingIndex[k]]!));
      const given = members.filter((k) => answered[k]);
      const r = wilson(given.filter((k) => rightByModel.get(model)![k]).length, given.length);
      return {
        model,
        minConfidence,
        subset,
        n: members.length,
        answered: given.length,
        right: r.k,
        accuracy: r.rate,
        low: r.low,
        high: r.high,
      };
    }),
);

const report: ImageCopiesReport = {
  dataset: ds,
  command: `nice -n 15 npx tsx scripts/image-copies.ts --data ${arg('data')}${modelDirs.length ? ` --models ${modelDirs.join(',')}` : ''}${fixedThreshold ? ` --threshold ${fixedThreshold}` : ''}`,
  images: { training: trainingTotal, testing: testingTotal },
  descriptor: { ...THUMBNAIL_DESCRIPTOR, inputSize: SIZE },
  calibration: {
    copies: knownCopies.length,
    threshold,
    calibrated,
    knownCopies: Object.fromEntries(
      [0, 1, 5, 50].map((q) => [`p${q}`, knownCopies[Math.floor((q / 100) * knownCopies.length)]]),
    ),
    histogram: {
      ...HISTOGRAM,
      knownCopies: knownHistogram,
      sameClass: sameClassHistogram,
      differentClass: differentClassHistogram,
      nearestAny: nearestHistogram,
    },
    justAbove: await Promise.all(justAbove.map(described)),
    justBelow: await Promise.all(justBelow.map(described)),
  },
  pairs: (n * (n - 1)) / 2,
  edges: edges.length,
  exactPairs: exactPairs.length,
  exactPairsBelowThreshold: exactPairs.filter((p) => p.s < threshold).length,
  edgesBySides: Object.fromEntries(
    ['Training–Training', 'Testing–Training', 'Testing–Testing'].map((k) => [
      k,
      edgePairs.filter((p) => sides(p) === k).length,
    ]),
  ),
  groups: {
    total: new Set(component).size,
    withCopies: groupSizes(component)
      .filter(([size]) => size > 1)
      .reduce((a, [, g]) => a + g, 0),
    sizes: groupSizes(component).map(([size, groups]) => ({ size, groups })),
  },
  withinTraining: withinTraining(edges),
  withinTrainingExact: withinTraining(exactPairs.map((p) => [p.i, p.j] as const)),
  testingWithCopyInTraining: testingLeak(edges),
  testingWithExactCopyInTraining: testingLeak(exactPairs.map((p) => [p.i, p.j] as const)),
  testingStatus: Object.fromEntries(
    (['unseen', 'copySameLabel', 'copyOtherLabelOnly'] as const).map((s) => [s, status.filter((x) => x === s).length]),
  ) as Record<CopyStatus, number>,
  byThreshold: [...new Set([0.9, 0.95, calibrated, threshold, 0.98, 0.99, 0.995])]
    .sort((a, b) => a - b)
    .map((level) => {
      const st = copyStatus(n, edgesAt(level), isTesting, labels);
      return {
        threshold: level,
        testingWithCopyInTraining: testingLeak(edgesAt(level)).rate,
        withinTraining: withinTraining(edgesAt(level)).rate,
        // the unseen images' classes: a subset heavy in one class is scored on that class's difficulty
        unseenByClass: pool.classes
          .map((name, c) => `${name} ${testingIndex.filter((i) => st[i] === 'unseen' && labels[i] === c).length}`)
          .join(', '),
        ...Object.fromEntries(
          scoresAt(edgesAt(level))
            .filter((x) => x.subset === 'unseen')
            .map((x) => [`${x.model} unseen`, `${x.right}/${x.n}`]),
        ),
      };
    }),
  crossClass: {
    pairs: crossClass.length,
    exact: crossClass.filter(exact).length,
    bySides: Object.fromEntries(
      ['Training–Training', 'Testing–Training', 'Testing–Testing'].map((k) => [
        k,
        crossClass.filter((p) => sides(p) === k).length,
      ]),
    ),
    examples: await Promise.all(crossClass.slice(0, 10).map(described)),
  },
  testingByCopy: scores,
  testingByClassAndCopy: byClass,
  testingSelectiveByCopy: selectiveByCopy,
};
// each image's presumed scan, as near-duplicates.ts writes it for lung
const groupsPath = writeGroupsFile(ds, data, threshold, pool.files, component);
const out = join('docs/reports', `near-duplicates-${ds}`);
writeFileSync(`${out}.json`, JSON.stringify(report, null, 1) + '\n');
writeFileSync(`${out}.md`, imageCopiesMarkdown(report));
log(`${out}.{md,json}; groups ${groupsPath}`);
