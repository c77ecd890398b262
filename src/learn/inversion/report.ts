/**
 * The model-inversion report (issue 17): every attack of lib/attacks/inversion
 * on a handful of training images picked by a fixed seed, scored against the
 * originals and against the dataset's mean image, summed up as mean and range
 * per metric, with a markdown table for docs/reports/inversion.md. Numbers
 * only: no image, no token, no file name of a patient image leaves this module.
 */
import { join } from 'node:path';
import { SeededRandom } from '../../lib/random/seededRandom';
import { INVERSION_KINDS, type InversionKind } from '../../lib/attacks/inversion';
import type { LeakageMetrics } from '../../lib/metrics/leakage';
import { listImages } from '../training/dataset';
import { readModelInput } from './publicPrior';
import { runInversion, type InversionContext } from '../../lib/attacks/inversion/runInversion';

type Metric = 'psnr' | 'ssim' | 'nmi';
const METRICS: Metric[] = ['psnr', 'ssim', 'nmi'];

export interface Range {
  mean: number;
  min: number;
  max: number;
}

export interface KindSummary {
  kind: InversionKind;
  images: number;
  size: number;
  /** null: every reconstruction was identical to its original (PSNR infinite), see `identical` */
  reconstruction: Record<Metric, Range | null>;
  meanImage: Record<Metric, Range | null>;
  /** reconstructions equal to their original byte for byte */
  identical: number;
  seconds: Range;
  details: Record<string, Range>;
}

export interface InversionReport {
  data: string;
  images: number;
  seed: number;
  summaries: KindSummary[];
}

const range = (xs: number[]): Range | null =>
  xs.length === 0
    ? null
    : { mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) };

/** `count` training images (any class) drawn with a seeded generator, with their labels. */
export async function pickImages(trainingDir: string, count: number, seed: number, size: number) {
  const { files, labels } = await listImages(trainingDir);
  const rng = new SeededRandom(seed);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, files.length)) chosen.add(rng.int(files.length));
  return Promise.all(
    [...chosen].map(async (i) => ({
      image: await readModelInput(join(trainingDir, files[i]), size),
      label: labels[i],
    })),
  );
}

export async function inversionReport(
  ctx: InversionContext,
  trainingDir: string,
  options: { images: number; seed: number; kinds?: readonly InversionKind[]; log?: (s: string) => void },
): Promise<InversionReport> {
  const picked = await pickImages(trainingDir, options.images, options.seed, ctx.vit.config.imageSize);
  const summaries: KindSummary[] = [];
  for (const kind of options.kinds ?? INVERSION_KINDS) {
    const scores = picked.map(({ image, label }, i) => {
      const s = runInversion(kind, ctx, image, label);
      options.log?.(`${kind}: image ${i + 1}/${picked.length} in ${s.details.seconds} s`);
      return s;
    });
    // identical images have PSNR Infinity: counted apart, the range is over the others (null if none)
    const metric = (pick: (s: (typeof scores)[number]) => LeakageMetrics, m: Metric) =>
      range(scores.map((s) => pick(s)[m]).filter(Number.isFinite));
    const detailNames = Object.keys(scores[0].details).filter((k) => k !== 'seconds');
    summaries.push({
      kind,
      images: scores.length,
      size: scores[0].size,
      reconstruction: Object.fromEntries(METRICS.map((m) => [m, metric((s) => s.metrics, m)])) as Record<
        Metric,
        Range | null
      >,
      meanImage: Object.fromEntries(METRICS.map((m) => [m, metric((s) => s.meanImage, m)])) as Record<
        Metric,
        Range | null
      >,
      identical: scores.filter((s) => !Number.isFinite(s.metrics.psnr)).length,
      seconds: range(scores.map((s) => s.details.seconds))!,
      details: Object.fromEntries(detailNames.map((k) => [k, range(scores.map((s) => s.details[k]))!])),
    });
  }
  return { data: trainingDir, images: picked.length, seed: options.seed, summaries };
}

const WHAT: Record<InversionKind, string> = {
  'gradient-analytic': 'unprotected single-image update of the shipped ViT, closed form',
  'gradient-dlg': 'unprotected update of a small model (32 x 32 input), deep leakage from gradients',
  'token-inversion': 'plaintext class token of the shipped ViT, optimised image with a TV prior',
  'server-view': 'what the server holds: CKKS ciphertext of the token, read as a token, then inverted',
};

export function inversionMarkdown(report: InversionReport, command: string): string {
  const fmt = (r: Range | null, digits: number) =>
    r ? `${r.mean.toFixed(digits)} (${r.min.toFixed(digits)}–${r.max.toFixed(digits)})` : '∞';
  const psnr = (s: KindSummary) =>
    s.identical === 0
      ? fmt(s.reconstruction.psnr, 2)
      : `${s.identical === s.images ? '∞' : fmt(s.reconstruction.psnr, 2)}; ${s.identical} of ${s.images} identical`;
  const rows = report.summaries.map(
    (s) =>
      `| ${s.kind} | ${WHAT[s.kind]} | ${psnr(s)} | ${fmt(s.reconstruction.ssim, 3)} | ${fmt(s.reconstruction.nmi, 3)} | ${fmt(s.meanImage.psnr, 2)} | ${fmt(s.meanImage.ssim, 3)} | ${fmt(s.meanImage.nmi, 3)} | ${s.seconds.mean.toFixed(1)} |`,
  );
  return [
    '# Model inversion, measured',
    '',
    `${report.images} training images of \`${report.data}\` (seed ${report.seed}); mean (min–max) over them.`,
    'Each reconstruction is scored against its original; "mean image" is the dataset mean scored against the same',
    'originals, the guess an attacker makes with no leak at all. PSNR in dB on RGB (∞ and "identical": the',
    'reconstruction equals the original byte for byte; the range is over the others), SSIM and NMI on luma',
    '(src/lib/metrics). No LPIPS: its network weights cannot be installed here, and no other measure stands in for it.',
    '',
    '| attack | what the attacker holds | PSNR | SSIM | NMI | mean image PSNR | SSIM | NMI | s per image |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Reproduce: \`${command}\``,
    '',
  ].join('\n');
}
