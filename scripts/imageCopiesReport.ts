/**
 * The whole-image copy report's shape (docs/reports/near-duplicates-<ds>.json for a
 * set without LC25000's rotations) and its markdown, written by
 * scripts/image-copies.ts. The prose that does not depend on the figures is here so
 * a rerun rewrites the whole page. File names and similarities only, never pixels.
 */
import type { Rate } from '../src/learn/evaluation/domainGuardReport';
import type { CopyStatus } from '../src/learn/evaluation/duplicateGroups';
import type { ThumbnailOptions } from '../src/learn/evaluation/imageCopies';

export interface CopyPair {
  a: string;
  b: string;
  similarity: number;
  /** the same bytes on disk */
  exact: boolean;
  /** width x height of each file as stored */
  sizes: [string, string];
}

export interface ImageCopiesReport {
  dataset: string;
  command: string;
  images: { training: number; testing: number };
  descriptor: ThumbnailOptions & { inputSize: number };
  calibration: {
    copies: number;
    /** the threshold used: the calibrated one unless --threshold chose another */
    threshold: number;
    calibrated: number;
    knownCopies: Record<string, number>;
    histogram: {
      from: number;
      to: number;
      bins: number;
      knownCopies: number[];
      sameClass: number[];
      differentClass: number[];
      nearestAny: number[];
    };
    justAbove: CopyPair[];
    justBelow: CopyPair[];
  };
  pairs: number;
  edges: number;
  exactPairs: number;
  exactPairsBelowThreshold: number;
  edgesBySides: Record<string, number>;
  groups: { total: number; withCopies: number; sizes: { size: number; groups: number }[] };
  withinTraining: Rate;
  withinTrainingExact: Rate;
  testingWithCopyInTraining: Rate;
  testingWithExactCopyInTraining: Rate;
  testingStatus: Record<CopyStatus, number>;
  /** per threshold: the leakage shares, and each model's right/n on the Testing images with no copy in Training */
  byThreshold: ({ threshold: number; testingWithCopyInTraining: number; withinTraining: number } & Record<
    string,
    number | string
  >)[];
  crossClass: { pairs: number; exact: number; bySides: Record<string, number>; examples: CopyPair[] };
  /** each shipped model's Testing accuracy on a subset of Testing images (a table the report view draws) */
  testingByCopy: {
    model: string;
    subset: CopyStatus | 'all' | 'anyCopy';
    n: number;
    right: number;
    accuracy: number;
    low: number;
    high: number;
  }[];
  /** the same per class, for the Testing images with no copy in Training and those with one */
  testingByClassAndCopy?: {
    model: string;
    className: string;
    subset: 'unseen' | 'anyCopy';
    n: number;
    right: number;
    accuracy: number;
    low: number;
    high: number;
  }[];
  /** the shipped "Uncertain" rule on Testing by copy status: images given a class, and how many of those are right */
  testingSelectiveByCopy?: {
    model: string;
    minConfidence: number;
    subset: 'all' | 'unseen' | 'anyCopy';
    n: number;
    answered: number;
    right: number;
    accuracy: number;
    low: number;
    high: number;
  }[];
}

const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)} %`;
const rate = (r: Rate) => `${r.k}/${r.n} = **${pct(r.rate)}** [${pct(r.low)}, ${pct(r.high)}]`;
const pairRow = (p: CopyPair) =>
  `| ${p.a} | ${p.b} | ${p.similarity.toFixed(4)} | ${p.exact ? 'yes' : 'no'} | ${p.sizes[0]} / ${p.sizes[1]} |`;
const PAIR_HEAD = '| image | copy | similarity | same bytes | sizes (px) |\n|---|---|---:|---|---|';
const SUBSET_NAMES: Record<ImageCopiesReport['testingByCopy'][number]['subset'], string> = {
  all: 'all of Testing',
  unseen: 'no copy in Training (unseen scans)',
  anyCopy: 'a copy in Training (any label)',
  copySameLabel: '… under the same label',
  copyOtherLabelOnly: '… under another label only',
};

/** One row per model and class: its Testing images without and with a copy in Training side by side. */
function byClassRows(rows: NonNullable<ImageCopiesReport['testingByClassAndCopy']>): string {
  const keys = [...new Set(rows.map((x) => `${x.model}\u0000${x.className}`))];
  const cell = (x: (typeof rows)[number] | undefined) =>
    x ? `${x.right} / ${x.n} | ${pct(x.accuracy, 1)} [${pct(x.low)}, ${pct(x.high)}]` : '— | —';
  return keys
    .map((key) => {
      const [model, className] = key.split('\u0000');
      const of = (subset: 'unseen' | 'anyCopy') =>
        rows.find((x) => x.model === model && x.className === className && x.subset === subset);
      return `| ${model} | ${className} | ${cell(of('unseen'))} | ${cell(of('anyCopy'))} |`;
    })
    .join('\n');
}

/** The shipped "Uncertain" rule's answers on Testing, without and with a copy in Training. */
function selectiveParagraph(r: ImageCopiesReport): string {
  const rows = r.testingSelectiveByCopy;
  if (!rows?.length) return '';
  const row = (x: (typeof rows)[number]) =>
    `| ${x.model} | ${x.minConfidence.toFixed(4)} | ${SUBSET_NAMES[x.subset]} | ${x.n} | ${x.answered} (${pct(x.answered / Math.max(1, x.n))}) | ${x.answered ? `${x.right} = ${pct(x.accuracy, 2)} [${pct(x.low)}, ${pct(x.high)}]` : '—'} |`;
  return `* **The "Uncertain" rule on scans with and without a copy.** Each model gives a class only from its shipped threshold (\`calibration.minConfidence\`, fitted on a validation split drawn per image from Training, so itself mostly copies of training images); the rest is "Uncertain — refer for review". What it answers on Testing, and how many of its answers are right:

| model | threshold | Testing images | n | given a class | right [95 % Wilson] |
|---|---:|---|---:|---:|---|
${rows.map(row).join('\n')}

`;
}

export function imageCopiesMarkdown(r: ImageCopiesReport): string {
  const c = r.calibration;
  const h = c.histogram;
  const step = (h.to - h.from) / h.bins;
  const share = (counts: number[]) => {
    const sum = counts.reduce((a, b) => a + b, 0);
    return counts.map((x) => (x ? (x / sum < 0.001 ? `${x}` : pct(x / sum, 1)) : '·'));
  };
  const series = [
    [`known copies (n = ${c.copies})`, share(h.knownCopies)],
    ['same-class pairs', share(h.sameClass)],
    ['different-class pairs', share(h.differentClass)],
    ['each image: its most similar other image', share(h.nearestAny)],
  ] as const;
  const label = (x: number) => x.toFixed(2);
  const models = [...new Set(r.testingByCopy.map((s) => s.model))];
  const unseen = (m: string) => r.testingByCopy.find((s) => s.model === m && s.subset === 'unseen');
  const all = (m: string) => r.testingByCopy.find((s) => s.model === m && s.subset === 'all');
  return `# Copies in ${r.dataset} (issue 18)

\`${r.command}\` (decoded images cached under \`.cache/datasets\`, model logits under \`.cache/predictions\`).

The Brain Tumor MRI set joins three public collections (figshare, SARTAJ, Br35H), and the same scan is known to appear in it more than once — resized, re-encoded, mirrored, with other margins, sometimes under another label. A Testing image whose copy is in Training is not an unseen scan. This page counts such copies in the ${(r.images.training + r.images.testing).toLocaleString('en')} images (${r.images.training.toLocaleString('en')} Training, ${r.images.testing.toLocaleString('en')} Testing) and scores the shipped models on Testing with and without them.

## Method

* **Descriptor** (\`src/learn/evaluation/imageCopies.ts\`): each image as the models read it (${r.descriptor.inputSize} x ${r.descriptor.inputSize}, padded to a square with black), grey less its background level (its ${r.descriptor.backgroundPercentile}st percentile plus ${r.descriptor.backgroundLift} grey levels — a re-encoded black is rarely 0 — clipped at 0, so margins weigh nothing), then a ${r.descriptor.side} x ${r.descriptor.side} area-averaged thumbnail of the box centred on the centre of brightness, ${r.descriptor.spread} standard deviations of brightness each way across and down (moments, not a threshold: padding adds nothing to them, a resize scales them, a small crop moves them a little), less its mean, to unit length. The similarity of two images is the correlation of their thumbnails, the better of plain and left-right mirrored (1: the same picture). Not rotated: the set's copies are not.
* **Exact copies:** files with the same bytes (SHA-256); they are copies whatever the similarity.
* **Threshold without ground truth.** Known duplicates: ${c.copies} pool images (seeded, the same number per class), one copy of each made here (\`src/learn/evaluation/copyTransform.ts\`): the scan re-framed: its box (pixels brighter than the darkest 1 %) with a black margin of -2 % (a cut into the scan) to +12 % of the side, each side apart, downsized to 40–100 % and read back at full size, a 3 x 3 blur half the time, 16, 32, 64 or 256 grey levels, a mirror half the time. **Calibrated threshold = the 1st percentile of their similarity to the image: ${c.calibrated.toFixed(4)}**${c.threshold === c.calibrated ? '' : ` (**used here: ${c.threshold.toFixed(4)}**, chosen with \`--threshold\`: see the threshold table below)`} (quantiles p0 ${c.knownCopies.p0.toFixed(4)}, p1 ${c.knownCopies.p1.toFixed(4)}, p5 ${c.knownCopies.p5.toFixed(4)}, p50 ${c.knownCopies.p50.toFixed(4)}). Different-class pairs do not set it: this set is known to hold one scan under two labels, so they are not all different; they are counted apart below. Pairs at or above the threshold, and exact copies, are copy edges, across classes too; connected components of the edges are groups (one scan each, presumably).
* **All ${r.pairs.toLocaleString('en')} pairs** compared (both classes' sides), no sampling.

## Calibration

Share of each set per similarity bin (the first bin holds everything below ${label(h.from + step)}; a count where under 0.1 %; · = none):

| bin | ${series.map(([name]) => name).join(' | ')} |
|---|${series.map(() => '---:').join('|')}|
${Array.from({ length: h.bins }, (_, b) => `| ${b === 0 ? `< ${label(h.from + step)}` : `${label(h.from + b * step)}–${label(h.from + (b + 1) * step)}`} | ${series.map(([, s]) => s[b]).join(' | ')} |`).join('\n')}

The pairs nearest the threshold, above (not exact) and below — the file names to look at when judging it:

${PAIR_HEAD}
${[...c.justAbove, ...c.justBelow].map(pairRow).join('\n')}

How the figures move with the threshold (the models' columns: right/n on the Testing images with no copy in Training at that threshold):

| threshold | Testing with a copy in Training | Training with a copy elsewhere in Training | Testing with no copy, by class | ${models.map((m) => `${m}, no copy`).join(' | ')} |
|---:|---:|---:|---|${models.map(() => '---:').join('|')}|
${r.byThreshold
  .map(
    (b) =>
      `| ${b.threshold.toFixed(4)}${b.threshold === c.calibrated ? ' (calibrated)' : ''}${b.threshold === c.threshold ? ' (used)' : ''} | ${pct(b.testingWithCopyInTraining)} | ${pct(b.withinTraining)} | ${b.unseenByClass} | ${models
        .map((m) => {
          const [k, of] = String(b[`${m} unseen`]).split('/').map(Number);
          return `${k}/${of} = ${pct(k / of, 2)}`;
        })
        .join(' | ')} |`,
  )
  .join('\n')}

## Copies

* ${r.edges.toLocaleString('en')} copy edges (${Object.entries(r.edgesBySides)
    .map(([k, v]) => `${k} ${v}`)
    .join(
      ', ',
    )}); ${r.exactPairs} of the pairs are exact copies (same bytes)${r.exactPairsBelowThreshold ? `, ${r.exactPairsBelowThreshold} of them below the threshold (counted as copies all the same)` : ', all of them at or above the threshold'}.
* ${r.groups.total.toLocaleString('en')} groups; ${r.groups.withCopies.toLocaleString('en')} hold more than one image. Sizes: ${r.groups.sizes.map((s) => `${s.groups} x ${s.size}`).join(', ')}.
* **Testing images with a copy in Training:** ${rate(r.testingWithCopyInTraining)}; with an exact (byte-identical) copy: ${rate(r.testingWithExactCopyInTraining)}. Of the ${r.images.testing} Testing images, ${r.testingStatus.unseen} have none, ${r.testingStatus.copySameLabel} a copy under their own label, ${r.testingStatus.copyOtherLabelOnly} copies under another label only.
* **Training images with a copy elsewhere in Training:** ${rate(r.withinTraining)} (exact: ${rate(r.withinTrainingExact)}). These weigh the same scan more than once in training and can sit on both sides of the seeded validation split that picked the epoch.

## Cross-class copies (label noise)

${r.crossClass.pairs} copy edges join images of different classes (${r.crossClass.exact} exact; ${Object.entries(
    r.crossClass.bySides,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(
      ', ',
    )}). The same scan under two labels: at most one label is right, and a model trained on one of them is scored against the other. The most similar (file names and stored sizes only):

${PAIR_HEAD}
${r.crossClass.examples.map(pairRow).join('\n')}

## What it does to the Testing figures

${
  models.length
    ? `The shipped models (trained on Training less its 10 % validation split; their Testing figures are held out by that measure) on Testing, split by copy status; 95 % Wilson intervals:

| model | Testing images | n | right | accuracy | 95 % Wilson |
|---|---|---:|---:|---:|---|
${r.testingByCopy.map((s) => `| ${s.model} | ${SUBSET_NAMES[s.subset]} | ${s.n} | ${s.right} | ${s.n ? pct(s.accuracy, 2) : '—'} | ${s.n ? `[${pct(s.low)}, ${pct(s.high)}]` : '—'} |`).join('\n')}

${models.map((m) => `* ${m}: ${pct(all(m)!.accuracy, 2)} on all of Testing, ${pct(unseen(m)!.accuracy, 2)} [${pct(unseen(m)!.low)}, ${pct(unseen(m)!.high)}] on its ${unseen(m)!.n} images with no copy in Training: the better estimate for scans the model has never seen.`).join('\n')}
* **The images with no copy are not a random sample of Testing**: by class ${r.byThreshold.find((b) => b.threshold === c.threshold)?.unseenByClass ?? ''} — not Testing's own class mix, so the "no copy" figure mixes leakage with the difficulty of the classes it over-represents; it is the accuracy on unseen scans of this mix, not on new scans in Testing's proportions.${
        r.testingByClassAndCopy?.length
          ? ` Within one class the mix is out of the comparison:

| model | class | no copy in Training: right / n | accuracy [95 % Wilson] | a copy in Training: right / n | accuracy [95 % Wilson] |
|---|---|---:|---|---:|---|
${byClassRows(r.testingByClassAndCopy)}`
          : ''
      }
${selectiveParagraph(r)}* The independent scoring on unseen scans reported on issue 18 (ViT 92.5 %, CNN 93.75 %; not reproducible here) is to be read against the "no copy in Training" rows, not the "all of Testing" ones.`
    : 'Run with `--models` to score the shipped models.'
}

## Limits

* The descriptor sees only what a ${r.descriptor.side} x ${r.descriptor.side} thumbnail keeps: two different slices of one patient taken close together can look alike to it, and a copy cropped far inside the skull, rotated or re-windowed heavily can look different. The pairs listed above on both sides of the threshold are the check; the threshold table shows how much the figures depend on it.
* The known duplicates are made from the ${r.descriptor.inputSize}-pixel model inputs, not the stored files, by the changes listed; a copy changed otherwise (rotation, heavy contrast change, text overlays) is not represented and may be missed, so the shares above are lower bounds as far as the threshold is not loose.
* Copies of one scan within Testing are not leakage but count twice in the Testing figure (its intervals assume independent images).
`;
}
