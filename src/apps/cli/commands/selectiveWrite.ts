/**
 * `cipherscan selective --write`: the one writer of a model's "Uncertain — refer
 * for review" threshold (model.json `calibration.minConfidence`) and of its card's
 * `selective` figures. The threshold is the selective study's: fitted on
 * validation, or, with `--thresholds-from docs/reports/cv-DS.json` (implied by
 * `--ensemble-from`), the one scripts/cv-report.ts fitted on the pooled
 * out-of-fold predictions (learn/evaluation/cvReport.ts). Every check here runs
 * before any work, so a refusal leaves every file as it was.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { UsageError } from '../args';
import { parseManifest, type ModelManifest } from '../../../lib/models/weightsFile';
import {
  completeCvReport,
  cvChoiceReason,
  CvReleaseRefused,
  cvThresholds,
  reportKinds,
  type CvReport,
  type CvThreshold,
} from '../../../learn/evaluation/cvReport';
import type { Candidate, SelectiveStudy } from '../../../learn/evaluation/selectiveStudy';
import { checkEnsembleRelease } from './selectiveEnsemble';

/** A CV report checked for release: its thresholds by candidate name, and the decision it makes. */
export interface CvRelease {
  cv: CvReport;
  thresholds: Record<string, CvThreshold>;
  /** for selectiveStudy's `crossValidation` option: the report's choice decides whether the ensemble ships */
  /** ensembleShips is undefined where the report has no ensemble (one architecture): validation decides, as without one */
  decision: { ensembleShips?: boolean; reason: string; thresholds: Record<string, CvThreshold> };
}

/** A model folder given to `--models`, with its model.json parsed once for every check. */
export interface ModelFolder {
  dir: string;
  manifest: ModelManifest;
}

/** Reads and parses each folder's model.json (once: the release checks below share it). */
export const readModelFolders = (dirs: string[]): Promise<ModelFolder[]> =>
  Promise.all(
    dirs.map(async (dir) => ({ dir, manifest: parseManifest(await readFile(join(dir, 'model.json'), 'utf8')) })),
  );

/**
 * `--thresholds-from REPORT` (with `ensemble`: `--ensemble-from REPORT` too): the report
 * must be complete and of this dataset, each model folder `vit-DS` or `cnn-DS` (the recipes
 * the report cross-validated), and each one's threshold in it; a UsageError saying why not otherwise.
 */
export async function checkCvRelease(
  reportPath: string,
  dataset: string,
  models: ModelFolder[],
  ensemble: boolean,
): Promise<CvRelease> {
  if (!existsSync(reportPath)) throw new UsageError(`no cross-validation report at ${reportPath}; nothing was written`);
  const names: Partial<Record<'vit' | 'cnn', string>> = {};
  for (const { dir, manifest } of models) {
    const arch = manifest.config.architecture;
    const name = basename(resolve(dir));
    if (name !== `${arch}-${dataset}` || names[arch])
      throw new UsageError(
        `${reportPath} cross-validated the ${dataset} recipes: --models takes .../vit-${dataset} and .../cnn-${dataset} (got ${name}); nothing was written`,
      );
    names[arch] = name;
  }
  try {
    const cv = ensemble
      ? await checkEnsembleRelease(reportPath, dataset, models)
      : completeCvReport(await readFile(reportPath, 'utf8'), reportPath, dataset, 'thresholds');
    const thresholds = cvThresholds(cv, reportPath, names);
    return {
      cv,
      thresholds,
      decision: {
        ensembleShips: reportKinds(cv).includes('ensemble') ? cv.choice === 'ensemble' : undefined,
        reason: cvChoiceReason(cv),
        thresholds,
      },
    };
  } catch (err) {
    if (err instanceof CvReleaseRefused) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * `--write` needs a calibrated model (the threshold is on calibrated probabilities), and without
 * a CV report (`validationOnly`) it fits on validation: refused then for a model whose card says it
 * was cross-validated (scripts/cv-report.ts --write-cards), whose threshold comes from that report.
 */
export async function checkWritable(models: ModelFolder[], dataset: string, validationOnly: boolean): Promise<void> {
  for (const { dir: d, manifest } of models) {
    if (!manifest.calibration)
      throw new UsageError(`${d} has no calibration: run cipherscan calibrate first; nothing was written`);
    const cardPath = join(d, 'model-card.json');
    if (!validationOnly || !existsSync(cardPath)) continue;
    const card = JSON.parse(await readFile(cardPath, 'utf8')) as { crossValidation?: { report?: unknown } };
    if (card.crossValidation) {
      // the report the card quotes (the release run's, since the grouped folds ship), else the per-image one
      const quoted = card.crossValidation.report;
      const report = typeof quoted === 'string' ? quoted : `docs/reports/cv-${dataset}.json`;
      throw new UsageError(
        `${d} was cross-validated (model-card.json crossValidation): its threshold ships from that report; ` +
          `add --thresholds-from ${report} (nothing was written)`,
      );
    }
  }
}

/** Rounded down, so the image that set the threshold is still answered. */
export const shippedThreshold = (minConfidence: number): number => Math.floor(minConfidence * 1e6) / 1e6;

/** Writes the study's threshold of each single model into its model.json and card; returns what was written. */
export async function writeThresholds(
  modelDirs: string[],
  study: SelectiveStudy,
  command: string,
  log: (line: string) => void,
): Promise<number[]> {
  const written: number[] = [];
  for (const dir of modelDirs) {
    const candidate = study.candidates.find((c) => c.members.length === 1 && c.name === basename(resolve(dir)))!;
    const manifestPath = join(dir, 'model.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as ModelManifest;
    if (!manifest.calibration) throw new UsageError(`${dir} has no calibration: run cipherscan calibrate first`);
    manifest.calibration.minConfidence = shippedThreshold(candidate.abstention.minConfidence);
    await writeFile(manifestPath, JSON.stringify(manifest));
    log(`wrote minConfidence ${manifest.calibration.minConfidence} into ${manifestPath}`);
    await writeModelCard(dir, candidate, study, command);
    written.push(manifest.calibration.minConfidence);
  }
  return written;
}

const CARD_SECTION = '## Uncertain — refer for review';

/** The figures in the model card: model-card.json `selective` and a README.md section (replaced on a re-run). */
async function writeModelCard(dir: string, c: Candidate, study: SelectiveStudy, command: string): Promise<void> {
  const cardPath = join(dir, 'model-card.json');
  if (existsSync(cardPath)) {
    const card = JSON.parse(await readFile(cardPath, 'utf8')) as Record<string, unknown>;
    const { curve: _plot, reliability: _bins, ...validation } = c.validation;

    card.selective = {
      minConfidence: c.abstention.minConfidence,
      rule: c.abstention.rule,
      targetAccuracy: study.targetAccuracy,
      // the card keeps the table points; the 36-point plot curve stays in the report
      validation,
      testing: c.testing ? { ...c.testing, curve: undefined } : undefined,
      ...(study.noTesting ? { noTesting: study.noTesting } : {}),
      ensemble: study.ensembleShips ? 'ships' : `not shipped: ${study.ensembleReason}`,
      command,
    };
    await writeFile(cardPath, JSON.stringify(card, null, 1));
  }
  const readmePath = join(dir, 'README.md');
  if (!existsSync(readmePath) || (!c.testing && !study.noTesting)) return;
  const pct = (v: number) => (v * 100).toFixed(1);
  const t = c.testing;
  const ai = t?.atThreshold.accuracyInterval;
  const section = [
    CARD_SECTION,
    '',
    `Below a calibrated confidence of ${c.abstention.minConfidence.toFixed(4)} the app and \`cli diagnose\` say "Uncertain — refer for review" instead of a class. ` +
      (c.abstention.rule.includes('; fitted on ')
        ? `Threshold rule: ${c.abstention.rule} (target ${pct(study.targetAccuracy)} %). `
        : `Threshold rule (on the ${c.validation.n} validation images): ${c.abstention.rule} (target ${pct(study.targetAccuracy)} %). `) +
      (t && ai
        ? `On Testing (n = ${t.n}): ${pct(t.atThreshold.coverage)} % of scans answered, accuracy of the answers ${pct(ai.rate)} % [${pct(ai.low)}, ${pct(ai.high)}]; ` +
          `answering at least 90 %, the best accuracy is ${t.at90 ? pct(t.at90.accuracy) : '–'} %. `
        : `No Testing figures: ${study.noTesting}. `) +
      `The ViT + CNN ensemble ${study.ensembleShips ? 'ships' : 'does not ship'} (${study.ensembleReason}). \`${command}\`.`,
    '',
  ].join('\n');
  const text = await readFile(readmePath, 'utf8');
  const start = text.indexOf(CARD_SECTION);
  const next = start < 0 ? -1 : text.indexOf('\n## ', start + CARD_SECTION.length);
  const updated =
    start < 0
      ? text.trimEnd() + '\n\n' + section
      : text.slice(0, start) + section + (next < 0 ? '' : '\n' + text.slice(next + 1));
  await writeFile(readmePath, updated);
}
