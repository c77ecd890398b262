/**
 * Shipping the ViT + Masked-CNN ensemble (issue 18): only where k-fold
 * cross-validation chose it (scripts/cv-report.ts writes `choice: "ensemble"`
 * once every fold is scored); then its ensemble.json (lib/diagnosis/ensemble.ts)
 * from the selective study — the threshold fitted on the CV report's pooled
 * out-of-fold predictions where it carries one (else on validation), the Testing
 * figures at that threshold — and its model card. Pure: the CLI reads and writes
 * (`cipherscan selective --write --thresholds-from CV.json --ensemble-from CV.json`).
 */
import {
  ENSEMBLE_COMBINE,
  ensembleWhy,
  parseEnsemble,
  serializeEnsemble,
  type EnsembleMember,
  type EnsembleRate,
  type EnsembleSpec,
} from '../../lib/diagnosis/ensemble';
import type { SelectiveStudy } from './selectiveStudy';
import { completeCvReport, CvReleaseRefused, type CvReport } from './cvReport';

/**
 * The CV report, if it says the ensemble ships for `dataset` (complete, and chose
 * it with more out-of-fold right answers than either single); otherwise a sentence why not.
 */
export function cvChoosesEnsemble(text: string, reportPath: string, dataset: string): CvReport {
  const r = completeCvReport(text, reportPath, dataset, 'ensemble');
  const refuse = (why: string) =>
    new CvReleaseRefused(`not writing the ${dataset} ensemble: ${reportPath} ${why}. Nothing was written.`);
  if (r.choice !== 'ensemble')
    throw refuse(`chooses ${r.choice ?? 'nothing yet'}: the ensemble ships only where cross-validation chose it`);
  if (r.totals.ensemble.k <= Math.max(r.totals.vit.k, r.totals.cnn.k))
    throw refuse('chooses the ensemble but its out-of-fold figures do not show it winning');
  return r;
}

export interface ReleaseInput {
  dataset: string;
  classes: string[];
  /** the two members' folder names, architectures and temperatures, as the study scored them */
  members: EnsembleMember[];
  study: SelectiveStudy;
  cv: CvReport;
  reportPath: string;
  command: string;
  /** why the study has no Testing figures (members trained on all labelled data: labelledData.ts); else they are required */
  noTesting?: string;
}

/** The ensemble.json text: its candidate in the study (validation threshold, Testing figures), the CV figures. */
export function ensembleRelease(input: ReleaseInput): { json: string; spec: EnsembleSpec } {
  const { study, cv } = input;
  const names = input.members.map((m) => m.name);
  const c = study.candidates.find((x) => x.members.length > 1 && x.members.join() === names.join());
  if (!c || (!c.testing && !input.noTesting))
    throw new Error('the study has no Testing figures for the ensemble (run it with the CV decision)');
  const t = c.testing;
  const offered = cv.pooledThreshold?.ensemble;
  const pooled =
    offered?.minConfidence !== undefined && offered.minConfidence === c.abstention.minConfidence && offered.n
      ? { n: offered.n, fittedOn: offered.fittedOn ?? 'out-of-fold predictions' }
      : undefined;
  const spec: EnsembleSpec = {
    dataset: input.dataset,
    classes: input.classes,
    members: input.members,
    combine: ENSEMBLE_COMBINE,
    // rounded down, so the validation image that set the threshold is still answered
    minConfidence: Math.floor(c.abstention.minConfidence * 1e6) / 1e6,
    threshold: {
      rule: c.abstention.rule,
      targetAccuracy: c.abstention.targetAccuracy,
      // the pooled out-of-fold threshold where the CV report gave one (cvReport.ts cvThresholds), else validation's
      ...(pooled
        ? { n: pooled.n, fittedOn: `${pooled.fittedOn} of ${cv.folds}-fold cross-validation (${input.reportPath})` }
        : { n: c.validation.n, fittedOn: study.validationNote }),
    },
    ...(t
      ? {
          testing: {
            n: t.n,
            accuracy: t.accuracy,
            coverage: t.atThreshold.coverage,
            accuracyOfAnswers: t.atThreshold.accuracyInterval,
          },
        }
      : { noTesting: input.noTesting }),
    crossValidation: {
      folds: cv.folds,
      report: input.reportPath,
      outOfFold: { vit: cv.rates.vit, cnn: cv.rates.cnn, ensemble: cv.rates.ensemble },
    },
    command: input.command,
  };
  const json = serializeEnsemble(spec);
  return { json, spec: parseEnsemble(json) }; // what ships must parse
}

const pct = (v: number) => (v * 100).toFixed(1);
const rate = (r: EnsembleRate) => `${pct(r.rate)} % [${pct(r.low)}, ${pct(r.high)}] (${r.k}/${r.n})`;

/** Where the threshold was fitted, its image count said once (both kinds of `fittedOn` already name it). */
const fittedOn = (t: EnsembleSpec['threshold']): string =>
  t.fittedOn.includes(String(t.n)) ? t.fittedOn : `${t.n} images: ${t.fittedOn}`;

/** README.md of the ensemble folder: what it is, why it ships, its threshold and figures. */
export function ensembleModelCard(spec: EnsembleSpec, perFold: CvReport['totals']): string {
  const o = spec.crossValidation.outOfFold;
  const t = spec.testing;
  return [
    `# ViT + Masked-CNN ensemble · ${spec.dataset}`,
    '',
    `Members: ${spec.members.map((m) => `\`${m.name}\` (temperature ${m.temperature})`).join(' and ')}, the folders beside this one. ` +
      `Combination: ${spec.combine}. No weights of its own: both members adapt to the same key and read the same ` +
      'encrypted image (one encryption, one more forward pass). Research model, not a medical device.',
    '',
    '## Why it ships',
    '',
    `It is the ${ensembleWhy(spec)} (\`${spec.crossValidation.report}\`):`,
    '',
    '| candidate | out-of-fold accuracy (95 % Wilson) | per fold |',
    '|---|---|---|',
    ...(['ensemble', 'vit', 'cnn'] as const).map((k) => `| ${k} | ${rate(o[k])} | ${perFold[k].perFold.join(', ')} |`),
    '',
    '## Uncertain — refer for review',
    '',
    `Below a calibrated confidence (top probability of the mean) of ${spec.minConfidence.toFixed(4)} the app and ` +
      `\`cipherscan diagnose\` say "Uncertain — refer for review". Rule: ${spec.threshold.rule.split('; fitted on ')[0]} ` +
      `(target ${pct(spec.threshold.targetAccuracy)} %), fitted on ${fittedOn(spec.threshold)}.`,
    '',
    t
      ? `On Testing (n = ${t.n}): accuracy, all answered, ${rate(t.accuracy)}; at the threshold ${pct(t.coverage)} % of ` +
        `scans answered, accuracy of the answers ${rate(t.accuracyOfAnswers)}.` +
        (spec.threshold.fittedOn.includes('cross-validation')
          ? ' These Testing images were also in the cross-validation pool, so the out-of-fold figures above are the better estimate (per-image folds: optimistic where copies of one original straddle them).'
          : '')
      : `No Testing figures: ${spec.noTesting ?? 'none were computed'}. The out-of-fold figures above are the better estimate (per-image folds: optimistic where copies of one original straddle them).`,
    '',
    'Out of domain: refused when either member’s guard refuses (the page and the CLI name which).',
    '',
    `Written by \`${spec.command}\`.`,
    '',
  ].join('\n');
}
