/**
 * scripts/cv-report.ts on grouped folds: the figures that count originals, not images.
 * Each fold's `selective` study names its held-out files; `fold-K/groups.json` (written by
 * cv-folds.ts --groups) names each one's presumed original. From those, per candidate:
 * the accuracy interval of resampling whole originals, the same for the nested "Uncertain"
 * rule's answers, paired differences, and the per-image record (`heldOut`) that
 * scripts/cv-compare.ts pairs two reports on. The maths is learn/evaluation/groupBootstrap.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rate } from '../src/learn/evaluation/domainGuardReport';
import {
  groupBootstrap,
  pairedGroupBootstrap,
  type GroupDifference,
  type GroupInterval,
} from '../src/learn/evaluation/groupBootstrap';
import { argmax } from '../src/learn/evaluation/metrics';

/** one fold's held-out predictions of one candidate */
export interface HeldOutPart {
  probabilities: number[][];
  labels: number[];
}

/** per image, in fold order: right or not */
export const rightAnswers = (parts: readonly HeldOutPart[]): boolean[] =>
  parts.flatMap((p) => p.probabilities.map((q, i) => argmax(q) === p.labels[i]));

/**
 * The originals of one fold's held-out images, in the study's order (`files` relative to the
 * fold's Testing folder); undefined where the fold has no groups file (per-image folds).
 */
export function foldHeldOutGroups(foldDir: string, files: readonly string[]): number[] | undefined {
  const path = join(foldDir, 'groups.json');
  if (!existsSync(path)) return undefined;
  const group = (JSON.parse(readFileSync(path, 'utf8')) as { group: Record<string, number> }).group;
  return files.map((f) => {
    const g = group[`Testing/${f}`];
    if (g === undefined)
      throw new Error(`${path} has no group for held-out Testing/${f}: rerun scripts/cv-folds.ts --groups`);
    return g;
  });
}

/** The held-out images of every scored fold with their originals; built fold by fold. */
export class HeldOutOriginals {
  private readonly groups: number[] = [];
  private readonly files: string[] = [];
  private folds = 0;

  add(fold: number, files: readonly string[], groups: readonly number[]): void {
    this.groups.push(...groups);
    this.files.push(...files.map((f) => `fold-${fold}/${f}`));
    this.folds++;
  }

  /** whether every scored fold (`scoredFolds`) named its originals: otherwise no figure by originals */
  complete(scoredFolds: number): boolean {
    return this.folds > 0 && this.folds === scoredFolds;
  }

  /** the parts (one per scored fold, in order) with each image's original, for the 'originals-low' rule */
  withGroups<P extends HeldOutPart>(parts: readonly P[]): (P & { groups: number[] })[] {
    let at = 0;
    const out = parts.map((p) => ({ ...p, groups: this.groups.slice(at, (at += p.labels.length)) }));
    if (at !== this.groups.length) throw new Error(`${at} held-out images for ${this.groups.length} with an original`);
    return out;
  }

  /** the accuracy interval; `expectedRight` is the Wilson row's count, which these answers must match */
  interval(parts: readonly HeldOutPart[], expectedRight: number): GroupInterval {
    const right = this.aligned(rightAnswers(parts));
    if (right.filter(Boolean).length !== expectedRight)
      throw new Error(`${right.filter(Boolean).length} right answers by image, ${expectedRight} in the folds' totals`);
    return groupBootstrap(right, this.groups);
  }

  /** A's accuracy minus B's on the same resampled originals */
  paired(a: readonly HeldOutPart[], b: readonly HeldOutPart[]): GroupDifference {
    return pairedGroupBootstrap(this.aligned(rightAnswers(a)), this.aligned(rightAnswers(b)), this.groups);
  }

  /**
   * The nested rule's answers (each fold's images answered at the threshold fitted without it):
   * their accuracy, resampling the originals that have answered images (groupBootstrap). The rule
   * itself was fitted with groupLowerBounds, which draws all originals and takes the ratio over the
   * answered ones: the same estimand, other draws; `expected` is nestedAbstention's count.
   */
  nestedAnswers(
    parts: readonly HeldOutPart[],
    thresholds: readonly number[],
    expected: Rate,
  ): GroupInterval | undefined {
    if (thresholds.length !== parts.length) return undefined;
    const answered = parts.flatMap((p, k) => p.probabilities.map((q) => q[argmax(q)] >= thresholds[k]));
    const right = this.aligned(rightAnswers(parts)).filter((_, i) => answered[i]);
    if (right.length !== expected.n || right.filter(Boolean).length !== expected.k)
      throw new Error("the nested rule's answers disagree with nestedAbstention's count");
    return right.length
      ? groupBootstrap(
          right,
          this.groups.filter((_, i) => answered[i]),
        )
      : undefined;
  }

  /** what the report keeps per image: its original and each candidate's right answers (1/0), and the files' digest */
  record(byCandidate: Record<string, readonly HeldOutPart[]>) {
    return {
      filesSha256: createHash('sha256').update(this.files.join('\n')).digest('hex'),
      groups: this.groups.join(','),
      right: Object.fromEntries(
        Object.entries(byCandidate).map(([k, parts]) => [k, this.aligned(rightAnswers(parts)).map(Number).join('')]),
      ),
    };
  }

  private aligned(right: boolean[]): boolean[] {
    if (right.length !== this.groups.length)
      throw new Error(`${right.length} held-out answers for ${this.groups.length} images with an original`);
    return right;
  }
}

/** " [92.8, 95.8] |": a table cell, or nothing where the report has no such figure */
export const originalsCell = (b: GroupInterval | undefined) =>
  b ? ` [${(b.low * 100).toFixed(1)}, ${(b.high * 100).toFixed(1)}] |` : '';

/** a difference of rates in points, signed: "+1.90", "−0.23" */
export const signedPoints = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(2)}`;
/** "ViT − CNN +1.90 points [+0.84, +3.03]" */
export const differenceSentence = (what: string, d: GroupDifference) =>
  `${what} ${signedPoints(d.difference)} points [${signedPoints(d.low)}, ${signedPoints(d.high)}]`;

/** The report's paragraph under the accuracy table. */
export function originalsParagraph(
  b: GroupInterval,
  paired?: { vitMinusCnn: GroupDifference; ensembleMinusBestSingle: GroupDifference },
): string {
  return (
    `The held-out images are copies of ${b.groups.toLocaleString('en')} presumed originals (${b.images.toLocaleString('en')} images), and copies of one original are mostly right or wrong together: the Wilson interval, which counts images as independent, is too narrow. ` +
    `"Resampling originals" draws whole originals with replacement (${b.resamples.toLocaleString('en')} seeded resamples, percentile interval; src/learn/evaluation/groupBootstrap.ts).` +
    (paired
      ? ` Paired on the same draws: ${differenceSentence('ViT − CNN', paired.vitMinusCnn)}, ${differenceSentence('ensemble − better single', paired.ensembleMinusBestSingle)}.`
      : '')
  );
}
