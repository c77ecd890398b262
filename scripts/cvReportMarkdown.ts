/**
 * The markdown of a pooled cross-validation report (scripts/cv-report.ts), written from the
 * figures its JSON keeps and nothing else: so every docs/reports/cv-*.md can be checked against
 * its .json without the fold models (cvReportMarkdown.test.ts), and the two never disagree.
 * Pure: the script reads folds and writes files.
 */
import type { Rate } from '../src/learn/evaluation/domainGuardReport';
import type { GroupDifference, GroupInterval } from '../src/learn/evaluation/groupBootstrap';
import { cvRate, type CvKind } from '../src/learn/evaluation/cvReport';
import { ABSTENTION_RULE, ORIGINALS_ABSTENTION_RULE, POINT_ABSTENTION_RULE } from '../src/learn/evaluation/selective';
import { percent } from '../src/lib/diagnosis/percent';
import { originalsCell, originalsParagraph } from './cvOriginals';
import { cvKinds, isPerImageRun, singleCandidateLine, tagFlags, type Arch, type CvRun } from './cvRun';

/** the pooled sums of one candidate over the scored folds */
export interface CvTotals {
  k: number;
  n: number;
  perFold: string[];
  /** at each fold's own validation-fitted threshold, on the held-out fold */
  answered: number;
  answeredRight: number;
  /** sums of n-weighted per-fold ECE and NLL */
  eceSum: number;
  nllSum: number;
  /** the curve's point answering >= 90 % on each held-out fold (the issue's target point) */
  at90Answered: number;
  at90Right: number;
}

export interface CvAbstention {
  coverage: number;
  accuracy: Rate;
  ece: number;
  nll: number;
  at90: Rate;
}

/** a rule scored by nested cross-validation: share answered, accuracy of the answers */
export interface NestedFigure {
  coverage: number;
  accuracy: Rate;
}

export interface CvPooledThreshold {
  nested: NestedFigure & { byOriginals?: GroupInterval };
  nestedWilsonRule?: NestedFigure;
  nestedPointRule: NestedFigure;
  minConfidence?: number;
  n: number;
  fittedOn?: string;
  rule?: string;
}

/** What the markdown is written from: the keys of the report's JSON it reads. */
export interface CvReportFigures {
  folds: number;
  scored: number;
  missing: number[];
  /** the grouped-split sentence (splitSentence), where the run has one */
  splitNote?: string;
  /** '' or absent when the fold models are the shipped recipe */
  caveat?: string;
  selection?: Partial<Record<Arch, string>>;
  totals: Record<CvKind, CvTotals>;
  rates: Record<CvKind, Rate>;
  byOriginals?: Partial<Record<CvKind, GroupInterval>>;
  pairedOnOriginals?: { vitMinusCnn: GroupDifference; ensembleMinusBestSingle: GroupDifference };
  abstention: Record<CvKind, CvAbstention>;
  pooledThreshold: Record<CvKind, CvPooledThreshold>;
  /** null until every fold is scored, and where the run has one architecture */
  choice: CvKind | null;
}

/** the target of the "Uncertain" rule fitted on out-of-fold predictions */
export const CV_ABSTENTION_TARGET = 0.97;

export function cvReportMarkdown(dataset: string, run: CvRun, r: CvReportFigures): string {
  const kinds = cvKinds(run);
  const first = kinds[0];
  const byOriginals = r.byOriginals ?? {};
  // the rule that ships resamples originals exactly where the folds name them
  const originalsRule = Boolean(byOriginals[first]);
  const selection = Object.values(r.selection ?? {});
  const lines = [
    `# ${dataset}: ${r.folds}-fold cross-validation (Training + Testing pooled)` +
      (isPerImageRun(run)
        ? ''
        : ` — split ${run.split}${tagFlags(run) ? `, models ${tagFlags(run)}` : ''}, ${run.archs.join(' and ')}`),
    '',
    `Folds scored: ${r.scored} of ${r.folds}${r.missing.length ? ` (still training: ${r.missing.join(', ')})` : ''}. ` +
      "Each fold model is this run's recipe (scripts/recipes.sh as it was; the caveat below says where it is not the shipped one) trained on the other folds; each figure is out-of-fold. " +
      '"Uncertain" rule: each fold\'s threshold fitted on that fold\'s validation split, applied to its held-out fold; "answering ≥ 90 %" is the best point of each held-out fold\'s coverage–accuracy curve (an oracle threshold: what the rule could reach, not what it did).' +
      (r.caveat ? ` **${r.caveat}**` : '') +
      selection.map((s) => ` ${s}`).join(''),
    '',
    ...(r.splitNote ? [r.splitNote, ''] : []),
    '| candidate | out-of-fold accuracy (95 % Wilson) |' +
      (originalsRule ? ' 95 % resampling originals |' : '') +
      " per fold | answered at the fold's threshold | accuracy of the answers | answering ≥ 90 % (each fold's curve) | ECE (15 bins, mean of folds) | NLL |",
    '|---|---|' + (originalsRule ? '---|' : '') + '---|---|---|---|---|---|',
    ...kinds.map((k) => {
      const a = r.abstention[k];
      return `| ${k} | ${cvRate(r.rates[k])} |${originalsCell(byOriginals[k])} ${r.totals[k].perFold.join(', ')} | ${percent(a.coverage)} | ${cvRate(a.accuracy)} | ${cvRate(a.at90)} | ${a.ece.toFixed(4)} | ${a.nll.toFixed(4)} |`;
    }),
    '',
    ...(originalsRule ? [originalsParagraph(byOriginals[first]!, r.pairedOnOriginals), ''] : []),
    ...thresholdTable(kinds, r, originalsRule),
    '',
    run.archs.length < 2
      ? singleCandidateLine(run)
      : r.scored === r.folds
        ? `Choice: **${r.choice}** (the ensemble is chosen only with more out-of-fold right answers than the better single).`
        : 'No choice yet: not every fold is scored.',
    '',
  ];
  return lines.join('\n');
}

/** the second table: the "Uncertain" threshold fitted on out-of-fold predictions, nested figures */
function thresholdTable(kinds: CvKind[], r: CvReportFigures, originalsRule: boolean): string[] {
  const target = CV_ABSTENTION_TARGET * 100;
  const answersByOriginals = Boolean(r.pooledThreshold[kinds[0]].nested.byOriginals);
  const figure = (f: NestedFigure) => `${percent(f.coverage)}, ${cvRate(f.accuracy)}`;
  return [
    `"Uncertain" threshold fitted on out-of-fold predictions (rule: ${originalsRule ? ORIGINALS_ABSTENTION_RULE : ABSTENTION_RULE}, target ${target} %), scored by nested cross-validation (fitted on the other folds, applied to each):`,
    '',
    '| candidate | answered (nested) | accuracy of the answers (nested) |' +
      (answersByOriginals ? ' 95 % resampling originals |' : '') +
      ' threshold fitted on all folds |' +
      (originalsRule
        ? ' the Wilson rule (copies counted as independent; shipped before): answered, accuracy (nested) |'
        : '') +
      ' the same fit on the point estimate, not shipped: answered, accuracy (nested) |',
    '|---|---|---|' + (answersByOriginals ? '---|' : '') + '---|' + (originalsRule ? '---|' : '') + '---|',
    ...kinds.map((k) => {
      const p = r.pooledThreshold[k];
      return (
        `| ${k} | ${percent(p.nested.coverage)} | ${cvRate(p.nested.accuracy)} |${originalsCell(p.nested.byOriginals)} ${p.minConfidence?.toFixed(4) ?? '–'} (${p.fittedOn ?? '–'}) |` +
        (p.nestedWilsonRule ? ` ${figure(p.nestedWilsonRule)} |` : '') +
        ` ${figure(p.nestedPointRule)} |`
      );
    }),
    '',
    (originalsRule
      ? `The shipped rule asks the answered images' 95 % lower bound, resampling their presumed originals, to reach ${target} % (and the Wilson bound too, so it never answers more than the Wilson rule): copies of one original count together. The Wilson column is the rule as it shipped before, which counts copies as independent images; `
      : `The shipped rule asks the answered images' 95 % Wilson lower bound to reach ${target} %; `) +
      `the last column (${POINT_ABSTENTION_RULE}) shows the coverage the margin costs. All are scored by the same nested cross-validation.` +
      (answersByOriginals ? " Beside the answers' Wilson interval, the interval of resampling originals." : ''),
  ];
}
