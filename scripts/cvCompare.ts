/**
 * Two cross-validation runs on the same grouped folds, compared image by image
 * (scripts/cv-compare.ts is the command): one candidate's out-of-fold right answers
 * against another's, the difference in points with the 95 % interval of resampling
 * whole originals on the same draws for both (paired group bootstrap,
 * src/learn/evaluation/groupBootstrap.ts). Reads the `heldOut` block cv-report.ts
 * writes (per held-out image its original and each candidate's right answers);
 * refuses reports of other images. Pure: reports in, a comparison out.
 */
import { pairedGroupBootstrap, type BootstrapOptions } from '../src/learn/evaluation/groupBootstrap';
import { signedPoints } from './cvOriginals';

/** What cv-report.ts keeps of a grouped run: the held-out images' originals, each candidate's right answers. */
export interface HeldOut {
  filesSha256: string;
  /** the held-out images' presumed originals, comma-separated, in the report's image order */
  groups: string;
  /** per candidate, '1' (right) or '0' per held-out image, same order */
  right: Record<string, string>;
}

export interface ComparedSide {
  name: string;
  held: HeldOut;
  right: boolean[];
}

/** docs/reports/cv-grouped-e30-lung-histopathology.json → cv-grouped-e30-lung-histopathology */
export const reportName = (path: string): string => path.replace(/^.*\//, '').replace(/\.json$/, '');

/** Two records of held-out images are the same images in the same order (same files, same originals). */
export const sameHeldOut = (a: { filesSha256: string; groups: string }, b: { filesSha256: string; groups: string }) =>
  a.filesSha256 === b.filesSha256 && a.groups === b.groups;

/** "path.json:kind" → its path and candidate (kind defaults to vit). */
export function parseSpec(spec: string): { path: string; kind: string } {
  const [path, kind = 'vit'] = spec.split(/:(?=[a-z]+$)/);
  return { path, kind };
}

/** One candidate of one report ("path.json:kind"; kind defaults to vit). */
export function comparedSide(spec: string, report: { heldOut?: HeldOut }): ComparedSide {
  const { path, kind } = parseSpec(spec);
  const held = report.heldOut;
  if (!held) throw new Error(`${path} has no per-image outcomes: re-run scripts/cv-report.ts on grouped folds`);
  const right = held.right[kind];
  if (right === undefined)
    throw new Error(`${path} has no candidate ${kind} (it has ${Object.keys(held.right).join(', ')})`);
  return {
    name: `${reportName(path)}:${kind}`,
    held,
    right: [...right].map((c) => c === '1'),
  };
}

export interface Comparison {
  rightA: number;
  rightB: number;
  /** right in A and wrong in B, and the reverse */
  onlyA: number;
  onlyB: number;
  images: number;
  /** accuracy of A minus accuracy of B (a fraction), and its paired 95 % interval resampling originals */
  difference: number;
  low: number;
  high: number;
  originals: number;
  resamples: number;
  /** the interval holds 0: the data cannot tell the two apart */
  tie: boolean;
  sentence: string;
}

export function compareRuns(a: ComparedSide, b: ComparedSide, options: BootstrapOptions = {}): Comparison {
  if (!sameHeldOut(a.held, b.held))
    throw new Error(
      'the two reports scored different held-out images (other folds or another order): no paired comparison',
    );
  return compareOutcomes(a, b, a.held.groups.split(',').map(Number), options);
}

/** Right answers of one candidate on held-out images whose identity the caller has checked. */
export interface Outcomes {
  name: string;
  right: readonly boolean[];
}

/**
 * Two candidates' right answers on the same held-out images (`groups`: each image's original,
 * same order), paired: what compareRuns does once the reports are known to be the same images,
 * and what an ensemble of saved probabilities (cvProbabilities.ts) is scored with.
 */
export function compareOutcomes(
  a: Outcomes,
  b: Outcomes,
  groups: readonly number[],
  options: BootstrapOptions = {},
): Comparison {
  if (a.right.length !== groups.length || b.right.length !== groups.length)
    throw new Error('a report has another number of outcomes than of held-out images');
  const d = pairedGroupBootstrap(a.right, b.right, groups, options);
  const count = (r: readonly boolean[]) => r.filter(Boolean).length;
  const onlyA = a.right.filter((r, i) => r && !b.right[i]).length;
  const onlyB = b.right.filter((r, i) => r && !a.right[i]).length;
  const tie = d.low <= 0 && d.high >= 0;
  const sentence =
    `${a.name} − ${b.name}: ${count(a.right)} vs ${count(b.right)} right of ${groups.length} ` +
    `(right only in the first ${onlyA}, only in the second ${onlyB}): ${signedPoints(d.difference)} points, ` +
    `95 % [${signedPoints(d.low)}, ${signedPoints(d.high)}] resampling ${d.groups} originals (${d.resamples} paired draws)` +
    (tie ? ': the data cannot tell them apart' : '');
  return {
    rightA: count(a.right),
    rightB: count(b.right),
    onlyA,
    onlyB,
    images: groups.length,
    difference: d.difference,
    low: d.low,
    high: d.high,
    originals: d.groups,
    resamples: d.resamples,
    tie,
    sentence,
  };
}
