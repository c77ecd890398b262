/**
 * The out-of-fold probabilities of a grouped cross-validation run, kept beside its report
 * (`docs/cv-probabilities/<report name>.json`, written by scripts/cv-report.ts), and ensembles of runs
 * scored from them (scripts/cv-ensemble.ts). The fold models live in `.cache/cv` and are gone
 * in a fresh checkout; without their probabilities an ensemble of two runs (a second seed, a
 * second recipe) could only be scored by training both again (about 3 h here). With them it is
 * the mean of calibrated probabilities the page and the CLI use (selective.ts
 * `meanProbabilities`), scored out of fold with the same figures as a report: accuracy (Wilson
 * and resampling originals), paired against each member, and the nested "Uncertain" rule.
 * Pure: files in, figures out.
 */
import { wilson, type Rate } from '../src/learn/evaluation/domainGuardReport';
import { groupBootstrap, type GroupInterval } from '../src/learn/evaluation/groupBootstrap';
import { argmax } from '../src/learn/evaluation/metrics';
import { meanProbabilities, nestedAbstention } from '../src/learn/evaluation/selective';
import { compareOutcomes, sameHeldOut, type ComparedSide, type Comparison, type HeldOut } from './cvCompare';
import type { HeldOutPart } from './cvOriginals';
import { CV_ABSTENTION_TARGET } from './cvReportMarkdown';

export const PROBABILITIES_FORMAT = 'cipherscan-cv-probabilities';

/** Not under docs/reports: the page's report view bundles every JSON there, and these are data, not a report. */
export const PROBABILITIES_DIR = 'docs/cv-probabilities';

/** docs/reports/cv-grouped-ema-lung-histopathology → docs/cv-probabilities/cv-grouped-ema-lung-histopathology.json */
export const probabilitiesPath = (reportOut: string): string =>
  `${PROBABILITIES_DIR}/${reportOut.replace(/^.*\//, '')}.json`;

/** What cv-report.ts keeps per held-out image, beside `heldOut`: the label and each architecture's calibrated probabilities. */
export interface OutOfFoldProbabilities {
  format: typeof PROBABILITIES_FORMAT;
  /** the report's `heldOut` identity: the same images in the same order */
  filesSha256: string;
  groups: string;
  /** held-out images per fold, in fold order */
  foldSizes: number[];
  labels: number[];
  /** per architecture (never the ensemble: it is the members' mean), per image, per class */
  probabilities: Record<string, number[][]>;
}

/** 6 significant digits: 3,000 × 3 numbers stay about 200 KB per architecture, and no argmax moves (checked). */
const rounded = (p: number) => Number(p.toPrecision(6));

/**
 * The record of one run: `parts` per architecture (one per scored fold, in fold order), the
 * report's `heldOut`. Refuses to write numbers whose argmax disagrees with the report's right answers.
 */
export function recordProbabilities(
  byArchitecture: Record<string, readonly HeldOutPart[]>,
  heldOut: HeldOut,
): OutOfFoldProbabilities {
  const archs = Object.keys(byArchitecture);
  if (!archs.length) throw new Error('no architecture to record');
  const first = byArchitecture[archs[0]];
  const labels = first.flatMap((p) => p.labels);
  const probabilities: Record<string, number[][]> = {};
  for (const a of archs) {
    const parts = byArchitecture[a];
    if (parts.flatMap((p) => p.labels).join() !== labels.join())
      throw new Error(`${a}: other labels than ${archs[0]}: not the same held-out images`);
    probabilities[a] = parts.flatMap((p) => p.probabilities.map((q) => q.map(rounded)));
    const right = probabilities[a].map((q, i) => (argmax(q) === labels[i] ? '1' : '0')).join('');
    if (right !== heldOut.right[a]) throw new Error(`${a}: the rounded probabilities change a right answer`);
  }
  return {
    format: PROBABILITIES_FORMAT,
    filesSha256: heldOut.filesSha256,
    groups: heldOut.groups,
    foldSizes: first.map((p) => p.labels.length),
    labels,
    probabilities,
  };
}

/** One member of an ensemble: a run's file and an architecture in it. */
export interface Member {
  name: string;
  run: OutOfFoldProbabilities;
  arch: string;
}

export function memberOf(name: string, run: unknown, arch: string): Member {
  const r = run as Partial<OutOfFoldProbabilities>;
  if (r?.format !== PROBABILITIES_FORMAT || !r.probabilities || !r.labels || !r.foldSizes)
    throw new Error(`${name} is not a cross-validation probabilities file (${PROBABILITIES_FORMAT})`);
  if (!r.probabilities[arch])
    throw new Error(`${name} has no ${arch} (it has ${Object.keys(r.probabilities).join(', ')})`);
  return { name: `${name}:${arch}`, run: r as OutOfFoldProbabilities, arch };
}

export interface EnsembleScore {
  members: string[];
  images: number;
  right: number;
  accuracy: Rate;
  byOriginals: GroupInterval;
  /** the ensemble against each member alone, on the same resampled originals */
  againstMembers: Comparison[];
  /** the "Uncertain" rule resampling originals, fitted on the other folds and applied to each (as cv-report.ts) */
  nested: { coverage: number; accuracy: Rate };
  /** the ensemble against other runs of the same held-out images known only by their reports' right answers (the shipped recipe) */
  againstRuns: Comparison[];
  /** true when it has more out-of-fold right answers than every member (the rule every run was chosen by) */
  beatsEveryMember: boolean;
  /** and than every run in `againstRuns` */
  beatsEveryRun: boolean;
}

/**
 * The ensemble of two or more members (the mean of their calibrated probabilities), scored out
 * of fold; `against`: runs whose probabilities were not kept (a report's `heldOut` right
 * answers, cvCompare.ts `comparedSide`), paired with it on the same originals.
 */
export function scoreEnsemble(members: readonly Member[], against: readonly ComparedSide[] = []): EnsembleScore {
  if (members.length < 2) throw new Error('an ensemble needs at least two members');
  const [head] = members;
  for (const m of members.slice(1))
    if (
      !sameHeldOut(m.run, head.run) ||
      m.run.foldSizes.join() !== head.run.foldSizes.join() ||
      m.run.labels.join() !== head.run.labels.join()
    )
      throw new Error(`${m.name} scored other held-out images than ${head.name}: no ensemble`);
  const labels = head.run.labels;
  const groups = head.run.groups.split(',').map(Number);
  const mean = meanProbabilities(members.map((m) => m.run.probabilities[m.arch]));
  const rightOf = (p: number[][]) => p.map((q, i) => argmax(q) === labels[i]);
  const right = rightOf(mean);
  const k = right.filter(Boolean).length;
  const name = members.map((m) => m.name).join(' + ');
  const againstMembers = members.map((m) =>
    compareOutcomes({ name, right }, { name: m.name, right: rightOf(m.run.probabilities[m.arch]) }, groups),
  );
  const againstRuns = against.map((r) => {
    if (!sameHeldOut(r.held, head.run))
      throw new Error(`${r.name} scored other held-out images than ${head.name}: no paired comparison`);
    return compareOutcomes({ name, right }, r, groups);
  });
  // the folds again, for the nested rule: each fold's images with their originals
  let at = 0;
  const folds = head.run.foldSizes.map((size) => {
    const part = {
      probabilities: mean.slice(at, at + size),
      labels: labels.slice(at, at + size),
      groups: groups.slice(at, at + size),
    };
    at += size;
    return part;
  });
  if (at !== labels.length) throw new Error(`fold sizes add up to ${at}, not ${labels.length} images`);
  const { coverage, accuracy } = nestedAbstention(folds, CV_ABSTENTION_TARGET, 'originals-low');
  return {
    members: members.map((m) => m.name),
    images: labels.length,
    right: k,
    accuracy: wilson(k, labels.length),
    byOriginals: groupBootstrap(right, groups),
    againstMembers,
    nested: { coverage, accuracy },
    againstRuns,
    beatsEveryMember: againstMembers.every((c) => c.rightA > c.rightB),
    beatsEveryRun: againstRuns.every((c) => c.rightA > c.rightB),
  };
}
