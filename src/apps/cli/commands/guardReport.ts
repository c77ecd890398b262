/**
 * `cipherscan guard --report ...` (see guard.ts): the shipped guard's rates,
 * measured once after its threshold was fixed on validation. In-domain: the
 * model's own DS/Testing (share accepted). Out-of-domain (share refused): the
 * other dataset's Testing, every DICOM file of --dicom (decoded through the normal
 * path, frame 0, default window; failures counted, not scored) and the built-in
 * phantoms (src/lib/samples, decoded from their PNG bytes as the page does).
 * A DICOM file declaring a modality the model's domain is not (declaredModality.ts) counts
 * as refused, as the page and `diagnose` refuse it; `declaration` keeps the image check's
 * own count beside it. Prints JSON (with, for version 2 guards, how many refusals each score made),
 * writes it to --out, and the markdown rows.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { optionalString, requireOption, type ParsedArgs } from '../args';

/** The options `guard --report` reads. */
export const GUARD_REPORT_OPTIONS = { values: ['other', 'dicom', 'out'] } as const;
import type { DiagnosisModel } from '../../../lib/models/model';
import {
  DOMAIN_GUARD_FILE,
  domainVerdict,
  parseDomainGuard,
  type DomainGuard,
} from '../../../lib/diagnosis/domainGuard';
import { decodeImageFile } from '../../../lib/decode';
import { modalityVerdict, type ModalityVerdict } from '../../../lib/diagnosis/declaredModality';
import { INTENSITY_BINS } from '../../../lib/models/intensityHistogram';
import { toModelInput } from '../../../lib/image/resize';
import type { RgbImage } from '../../../lib/image/rgb';
import { SAMPLES, sampleFileName, samplePng } from '../../../lib/samples/gallery';
import { loadImageSet } from '../../../learn/training/dataset';
import { featuresOf } from '../../../learn/evaluation/domainGuardFit';
import {
  GUARD_TABLE_HEAD,
  guardRows,
  guardSet,
  type GuardSetResult,
} from '../../../learn/evaluation/domainGuardReport';
import type { ImageSet } from '../../../learn/evaluation/batchPredict';
import { noHeldOutTesting, readTrainedOn } from '../../../learn/training/labelledData';

/** Decoded model inputs of every file in `dir` that decodes; the rest counted. */
export async function dicomImages(
  dir: string,
  size: number,
): Promise<{ images: RgbImage[]; modalities: (string | undefined)[]; failed: number; n: number }> {
  const files = (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.dcm')).sort();
  const images: RgbImage[] = [];
  // each decoded file's declared Modality (0008,0060), as the page and `diagnose` read it
  const modalities: (string | undefined)[] = [];
  let failed = 0;
  for (const f of files) {
    try {
      const decoded = await decodeImageFile(new Uint8Array(await readFile(join(dir, f))), f);
      images.push(toModelInput(decoded.image, size));
      modalities.push(decoded.dicom?.modality);
    } catch {
      failed++;
    }
  }
  return { images, modalities, failed, n: files.length };
}

export async function phantomImages(size: number): Promise<RgbImage[]> {
  const out: RgbImage[] = [];
  for (const spec of SAMPLES)
    out.push(toModelInput((await decodeImageFile(samplePng(spec), sampleFileName(spec))).image, size));
  return out;
}

/** RgbImages as an ImageSet (labels unused) so featuresOf can batch them. */
export function asImageSet(images: RgbImage[], size: number): ImageSet {
  const per = size * size * 3;
  const pixels = new Uint8Array(images.length * per);
  images.forEach((im, i) => pixels.set(im.data, i * per));
  return { classes: [], labels: new Uint8Array(images.length), files: [], size, pixels };
}

export async function runGuardReport(
  model: DiagnosisModel,
  modelDir: string,
  dataDir: string,
  args: ParsedArgs,
  log: (line: string) => void,
): Promise<void> {
  const other = requireOption(args, 'other');
  const dicomDir = optionalString(args, 'dicom') ?? '../shared/dicom-samples';
  const guard = parseDomainGuard(await readFile(join(modelDir, DOMAIN_GUARD_FILE), 'utf8'), model.classes);
  const size = model.config.imageSize;
  const verdicts = async (set: ImageSet, what: string) => {
    const t0 = performance.now();
    const f = await featuresOf(model, set, undefined, { batch: 32 });
    log(`${what}: ${f.length} images, ${((performance.now() - t0) / Math.max(1, f.length)).toFixed(1)} ms/image`);
    return f.map((x) => domainVerdict(guard, x));
  };
  /** how many refusals each part made (version 2 guards) */
  const refusedBy: Record<string, { features: number; intensity: number; both: number }> = {};
  const sets: GuardSetResult[] = [];
  const scores: Record<string, number[]> = {};
  /** per set with DICOM files: how many the image check alone refuses, and how many their declared modality adds */
  const declaration: Record<string, { imageCheckRefused: number; declaredOtherModality: number; refused: number }> = {};
  const add = async (
    name: string,
    inDomain: boolean,
    set: ImageSet,
    failed?: number,
    declared?: (ModalityVerdict | undefined)[],
  ) => {
    const v = await verdicts(set, name);
    // what the product does: a file declaring another modality is refused whatever the image check says
    const accepted = v.map((x, k) => x.inDomain && declared?.[k]?.inDomain !== false);
    if (declared)
      declaration[name] = {
        imageCheckRefused: v.filter((x) => !x.inDomain).length,
        declaredOtherModality: declared.filter((d) => d?.inDomain === false).length,
        refused: accepted.filter((a) => !a).length,
      };
    scores[name] = v.map((x) => Number(x.score.toFixed(2)));
    if (guard.intensity) {
      scores[`${name} (intensity)`] = v.map((x) => Number((x.intensity?.score ?? NaN).toFixed(2)));
      const f = v.map((x) => x.score > x.threshold);
      const i = v.map((x) => x.intensity?.inDomain === false);
      refusedBy[name] = {
        features: f.filter(Boolean).length,
        intensity: i.filter(Boolean).length,
        both: f.filter((r, k) => r && i[k]).length,
      };
    }
    sets.push(guardSet(name, inDomain, accepted, failed));
  };
  const dsName = (d: string) => d.replace(/\/+$/, '').split('/').pop() ?? d;
  // the in-domain row needs images the model never trained on
  const noTesting = (await readTrainedOn(modelDir)).allLabelled
    ? noHeldOutTesting(modelDir, `the share of ${dsName(dataDir)} Testing accepted`)
    : undefined;
  if (noTesting) log(noTesting);
  else
    await add(
      `${dsName(dataDir)} Testing`,
      true,
      await loadImageSet(join(dataDir, 'Testing'), size, '.cache/datasets', log),
    );
  await add(
    `${dsName(other)} Testing`,
    false,
    await loadImageSet(join(other, 'Testing'), size, '.cache/datasets', log),
  );
  const dicom = await dicomImages(dicomDir, size);
  await add(
    `dicom-samples (${dicom.n} files)`,
    false,
    asImageSet(dicom.images, size),
    dicom.failed,
    dicom.modalities.map((m) => modalityVerdict(model.classes, m)),
  );
  await add('built-in phantoms', false, asImageSet(await phantomImages(size), size));
  const scoreMs = timeScore(guard);
  const result = {
    model: modelDir,
    threshold: guard.threshold,
    fit: guard.fit,
    ...(guard.intensity
      ? { intensityThreshold: guard.intensity.threshold, intensityFit: guard.intensity.fit, refusedBy }
      : {}),
    scoreMsPerImage: scoreMs,
    // DICOM sets: the image check alone, and what the files' declared modality adds (declaredModality.ts)
    declaration,
    ...(noTesting ? { inDomainTesting: noTesting } : {}),
    sets,
    scores,
  };
  const out = optionalString(args, 'out');
  if (out) await writeFile(out, JSON.stringify(result));
  console.log(JSON.stringify({ ...result, scores: undefined }));
  const name = modelDir.replace(/\/+$/, '').split('/').pop() ?? modelDir;
  console.log([...GUARD_TABLE_HEAD, ...guardRows(name, sets)].join('\n'));
}

/** Wall time of one verdict (the only work the guard adds to a diagnosis: the features come with the logits). */
function timeScore(guard: DomainGuard): number {
  const network = Array.from(guard.means[0], (v, i) => v + (i % 3) * 0.01);
  const x = [...network, ...new Array<number>(INTENSITY_BINS).fill(1 / INTENSITY_BINS)];
  const reps = 200;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) domainVerdict(guard, x);
  return Number(((performance.now() - t0) / reps).toFixed(4));
}
