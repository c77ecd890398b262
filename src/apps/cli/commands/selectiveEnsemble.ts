/**
 * `cipherscan selective ... --write --ensemble-from docs/reports/cv-DS.json` (which
 * also writes the members' thresholds from that report, selectiveWrite.ts): the
 * ensemble folder `models/ensemble-DS/` (ensemble.json + README.md) beside its
 * members, written only where that cross-validation report chose the ensemble
 * with every fold scored (learn/evaluation/ensembleRelease.ts). The check runs
 * before anything is computed or written, so a refusal leaves every file as it was.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../args';
import { ensembleName, type EnsembleMember } from '../../../lib/diagnosis/ensemble';
import type { ModelManifest } from '../../../lib/models/weightsFile';
import { cvChoosesEnsemble, ensembleModelCard, ensembleRelease } from '../../../learn/evaluation/ensembleRelease';
import { CvReleaseRefused, type CvReport } from '../../../learn/evaluation/cvReport';
import type { SelectiveStudy } from '../../../learn/evaluation/selectiveStudy';

/**
 * The CV report if it lets the ensemble of these two model folders ship (their model.json as
 * selectiveWrite.ts readModelFolders parsed it); a UsageError saying why not otherwise.
 */
export async function checkEnsembleRelease(
  reportPath: string,
  dataset: string,
  models: { dir: string; manifest: ModelManifest }[],
): Promise<CvReport> {
  if (!existsSync(reportPath)) throw new UsageError(`no cross-validation report at ${reportPath}; nothing was written`);
  let cv: CvReport;
  try {
    cv = cvChoosesEnsemble(await readFile(reportPath, 'utf8'), reportPath, dataset);
  } catch (err) {
    if (err instanceof CvReleaseRefused) throw new UsageError(err.message);
    throw err;
  }
  const archs = models.map((m) => m.manifest.config.architecture);
  const names = models.map((m) => basename(resolve(m.dir)));
  if (archs.join() !== 'vit,cnn' || names.join() !== `vit-${dataset},cnn-${dataset}`)
    throw new UsageError(
      `--ensemble-from needs --models .../vit-${dataset},.../cnn-${dataset} (got ${names.join(', ')}); nothing was written`,
    );
  if (dirname(resolve(models[0].dir)) !== dirname(resolve(models[1].dir)))
    throw new UsageError('the ensemble members must be sibling folders; nothing was written');
  return cv;
}

/** Writes models/ensemble-DS/ beside the members; returns its folder. */
export async function writeEnsembleFolder(
  modelDirs: string[],
  dataset: string,
  classes: string[],
  temperatures: number[],
  study: SelectiveStudy,
  cv: CvReport,
  reportPath: string,
  command: string,
  noTesting?: string,
): Promise<string> {
  const members: EnsembleMember[] = modelDirs.map((d, i) => ({
    name: basename(resolve(d)),
    architecture: i === 0 ? 'vit' : 'cnn',
    temperature: temperatures[i],
  }));
  const { json, spec } = ensembleRelease({
    dataset,
    classes,
    members,
    study,
    cv,
    reportPath,
    command,
    noTesting,
  });
  const dir = join(dirname(resolve(modelDirs[0])), ensembleName(dataset));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'ensemble.json'), json);
  await writeFile(join(dir, 'README.md'), ensembleModelCard(spec, cv.totals));
  return dir;
}
