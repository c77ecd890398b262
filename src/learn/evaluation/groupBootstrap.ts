/**
 * Intervals that count originals, not images. LC25000's lung images are copies of
 * about 750 originals (rotations and flips; docs/reports/near-duplicates-*): on the
 * grouped folds the copies of one original sit in one held-out fold and are mostly
 * right or wrong together, so a Wilson interval over 3,000 images, which treats
 * them as independent, is too narrow. Resampling whole groups with replacement
 * (the cluster bootstrap) keeps that dependence: its interval is what the figure
 * would move by with another draw of originals.
 * Seeded, so a report is reproducible; percentile intervals.
 */
import { SeededRandom } from '../../lib/random/seededRandom';

export interface GroupInterval {
  /** the point estimate: right answers over images, as the Wilson row has it */
  rate: number;
  low: number;
  high: number;
  /** how many groups (originals) and images were resampled */
  groups: number;
  images: number;
  resamples: number;
}

export interface GroupDifference {
  /** accuracy of A minus accuracy of B on the same images */
  difference: number;
  low: number;
  high: number;
  groups: number;
  resamples: number;
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** two-sided coverage of the interval */
  level?: number;
}

const DEFAULTS = { resamples: 2000, seed: 1, level: 0.95 };

/** each image's group as a dense index, in first-seen order, and how many groups there are */
function groupIndex(groups: ArrayLike<string | number>): { of: Int32Array; count: number } {
  const index = new Map<string | number, number>();
  const of = Int32Array.from({ length: groups.length }, (_, i) => {
    let g = index.get(groups[i]);
    if (g === undefined) index.set(groups[i], (g = index.size));
    return g;
  });
  return { of, count: index.size };
}

/** per group, in first-seen order: images and right answers of each scored vector */
function tally(rights: ArrayLike<boolean>[], groups: ArrayLike<string | number>) {
  for (const r of rights)
    if (r.length !== groups.length) throw new Error(`${r.length} answers for ${groups.length} group labels`);
  if (groups.length === 0) throw new Error('no images to resample');
  const { of, count } = groupIndex(groups);
  const n = new Array<number>(count).fill(0);
  const k = rights.map(() => new Array<number>(count).fill(0));
  for (let i = 0; i < groups.length; i++) {
    n[of[i]]++;
    rights.forEach((r, j) => (k[j][of[i]] += r[i] ? 1 : 0));
  }
  return { n, k };
}

/** the two percentiles of sorted values for a two-sided interval, as many draws outside on each side */
function percentiles(values: Float64Array, level: number): [number, number] {
  values.sort();
  const k = Math.min(values.length - 1, Math.floor(((1 - level) / 2) * values.length));
  return [values[k], values[values.length - 1 - k]];
}

/**
 * Resample `statistic` over whole groups: each resample draws as many groups as
 * there are, with replacement, and passes the summed images and right answers.
 */
function resample(
  n: number[],
  k: number[][],
  statistic: (images: number, right: number[]) => number,
  options: BootstrapOptions,
): Float64Array {
  const { resamples, seed } = { ...DEFAULTS, ...options };
  const random = new SeededRandom(seed);
  const out = new Float64Array(resamples);
  const right = k.map(() => 0);
  for (let b = 0; b < resamples; b++) {
    let images = 0;
    right.fill(0);
    for (let d = 0; d < n.length; d++) {
      const g = random.int(n.length);
      images += n[g];
      for (let j = 0; j < k.length; j++) right[j] += k[j][g];
    }
    out[b] = statistic(images, right);
  }
  return out;
}

/** Accuracy with a 95 % (by default) interval from resampling groups. */
export function groupBootstrap(
  right: ArrayLike<boolean>,
  groups: ArrayLike<string | number>,
  options: BootstrapOptions = {},
): GroupInterval {
  const { n, k } = tally([right], groups);
  const { resamples, level } = { ...DEFAULTS, ...options };
  const images = groups.length;
  const [low, high] = percentiles(
    resample(n, k, (m, r) => r[0] / m, options),
    level,
  );
  return { rate: k[0].reduce((s, v) => s + v, 0) / images, low, high, groups: n.length, images, resamples };
}

/**
 * Paired: two candidates scored on the same images, the difference of their
 * accuracies, each resample drawing the same groups for both. An interval that
 * holds 0 says the data cannot tell the two apart.
 */
export function pairedGroupBootstrap(
  rightA: ArrayLike<boolean>,
  rightB: ArrayLike<boolean>,
  groups: ArrayLike<string | number>,
  options: BootstrapOptions = {},
): GroupDifference {
  const { n, k } = tally([rightA, rightB], groups);
  const { resamples, level } = { ...DEFAULTS, ...options };
  const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);
  const [low, high] = percentiles(
    resample(n, k, (m, r) => (r[0] - r[1]) / m, options),
    level,
  );
  return { difference: (sum(k[0]) - sum(k[1])) / groups.length, low, high, groups: n.length, resamples };
}

/**
 * Lower ends of the accuracy interval of the first `cutoff` images of a ranking (most
 * confident first), for every cutoff, resampling originals with the same draws for each:
 * what the "Uncertain" rule needs to ask, at each threshold, whether the answered images'
 * accuracy is at least its target when copies of one original count once
 * (selective.ts fitAbstention, bound 'originals-low'). One pass over the ranking per draw.
 */
export function groupLowerBounds(
  rightInRank: ArrayLike<boolean>,
  groupsInRank: ArrayLike<string | number>,
  cutoffs: readonly number[],
  options: BootstrapOptions = {},
): number[] {
  if (rightInRank.length !== groupsInRank.length)
    throw new Error(`${rightInRank.length} answers for ${groupsInRank.length} group labels`);
  const { resamples, seed, level } = { ...DEFAULTS, ...options };
  const { of: groupOf, count: G } = groupIndex(groupsInRank);
  // how many times each draw took each group
  const random = new SeededRandom(seed);
  const weight = new Uint16Array(resamples * G);
  for (let b = 0; b < resamples; b++) for (let d = 0; d < G; d++) weight[b * G + random.int(G)]++;
  const images = new Float64Array(resamples);
  const right = new Float64Array(resamples);
  const ratio = new Float64Array(resamples);
  const out: number[] = [];
  let next = 0;
  for (const cutoff of cutoffs) {
    if (cutoff < next || cutoff > groupOf.length) throw new Error('cutoffs must rise and stay within the ranking');
    for (; next < cutoff; next++) {
      const g = groupOf[next];
      const r = rightInRank[next] ? 1 : 0;
      for (let b = 0; b < resamples; b++) {
        const w = weight[b * G + g];
        images[b] += w;
        right[b] += r * w;
      }
    }
    // a draw that took none of the answered images says nothing of their accuracy
    let m = 0;
    for (let b = 0; b < resamples; b++) if (images[b] > 0) ratio[m++] = right[b] / images[b];
    out.push(m ? percentiles(ratio.subarray(0, m), level)[0] : NaN);
  }
  return out;
}
