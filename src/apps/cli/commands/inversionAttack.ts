/**
 * `cli attack --kind gradient-analytic|gradient-dlg|token-inversion|server-view
 *   --model DIR --data DS --in FILE [--label N] [--steps 40] [--iterations 500]
 *   [--sample 60] [--seed 1] [--out RECON.png] [--json]`
 *
 * The model-inversion attacks (lib/attacks/inversion, issue 17): --in is the
 * victim's image (its unprotected update, its plaintext class token, or the CKKS
 * ciphertext of that token, depending on --kind); --data DS's Training folder
 * gives the attacker's public prior (mean image of --sample images). Prints
 * PSNR, SSIM, NMI against the original beside the mean image's. --label is the
 * victim's training label (default: the model's prediction). Never prints
 * pixels, tokens or keys; --out writes the reconstruction where the user asks.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { flag, optionalNumber, options, optionalString, requireOption, UsageError, type ParsedArgs } from '../args';
import { writePng } from '../io';
import { useWasmBackend } from './train';
import { loadManifestAndBytes } from '../../../lib/models/model';
import { deserializeWeights } from '../../../lib/models/weightsFile';
import { pixelVit, pixelsOf, tokenPrior, type InversionKind } from '../../../lib/attacks/inversion';
import { formatMetric, type LeakageMetrics } from '../../../lib/metrics/leakage';
import { publicSample, readModelInput } from '../../../learn/inversion/publicPrior';
import { runInversion, type InversionContext, type InversionScore } from '../../../lib/attacks/inversion/runInversion';
import { loadSeal } from '../../../platform/node/seal';

/** The options inversionContext reads, and runInversionAttack besides. */
export const INVERSION_CONTEXT_OPTIONS = {
  values: ['model', 'data', 'sample', 'steps', 'iterations', 'seed'],
} as const;
export const INVERSION_ATTACK_OPTIONS = options(INVERSION_CONTEXT_OPTIONS, {
  values: ['in', 'label', 'out'],
  flags: ['json'],
});

/** The attacker's setup: the public model, the dataset's mean image and class-token prior, SEAL. */
export async function inversionContext(args: ParsedArgs): Promise<InversionContext> {
  await useWasmBackend();
  const dir = resolve(requireOption(args, 'model'));
  const { manifest, bytes } = await loadManifestAndBytes({
    loader: async (f) => new Uint8Array(await readFile(join(dir, f))),
  });
  if (manifest.config.architecture !== 'vit') throw new UsageError('the inversion attacks need a ViT model (--model)');
  const vit = pixelVit(manifest.config, deserializeWeights(manifest, bytes));
  const sample = await publicSample(
    join(resolve(requireOption(args, 'data')), 'Training'),
    optionalNumber(args, 'sample', 60),
    8,
    manifest.config.imageSize,
  );
  const tokens = sample.images.map((im) => tf.tidy(() => vit.features(pixelsOf(im)).dataSync()));
  return {
    vit,
    mean: sample.mean,
    prior: tokenPrior(tokens),
    seal: await loadSeal(),
    tokenSteps: optionalNumber(args, 'steps', 40),
    dlgIterations: optionalNumber(args, 'iterations', 500),
    seed: optionalNumber(args, 'seed', 1),
  };
}

export function jsonMetrics(m: LeakageMetrics): Record<string, number | null> {
  return { psnr: Number.isFinite(m.psnr) ? m.psnr : null, ssim: m.ssim, nmi: m.nmi, phashDistance: m.phashDistance };
}

export async function runInversionAttack(kind: InversionKind, args: ParsedArgs): Promise<void> {
  const ctx = await inversionContext(args);
  try {
    const original = await readModelInput(requireOption(args, 'in'), ctx.vit.config.imageSize);
    const label =
      optionalString(args, 'label') !== undefined
        ? optionalNumber(args, 'label', 0)
        : tf.tidy(() => ctx.vit.outputs(pixelsOf(original)).logits.argMax(1).dataSync()[0]);
    if (!Number.isInteger(label) || label < 0 || label >= ctx.vit.config.classes.length)
      throw new UsageError(`--label must be a class index 0..${ctx.vit.config.classes.length - 1}`);
    const score: InversionScore = runInversion(kind, ctx, original, label);
    const out = optionalString(args, 'out');
    if (out) await writePng(out, score.reconstruction);
    if (flag(args, 'json')) {
      console.log(
        JSON.stringify(
          {
            kind,
            size: score.size,
            metrics: jsonMetrics(score.metrics),
            meanImageBaseline: jsonMetrics(score.meanImage),
            details: score.details,
            lpips: null,
            note: 'LPIPS not measured: its network weights cannot be installed here',
            ...(out ? { written: out } : {}),
          },
          null,
          2,
        ),
      );
      return;
    }
    console.log(`metric (vs original, ${score.size} px)  ${kind}  mean image`);
    for (const m of ['psnr', 'ssim', 'nmi'] as const)
      console.log(
        `${m.toUpperCase().padEnd(34)}  ${formatMetric(m, score.metrics[m])}  ${formatMetric(m, score.meanImage[m])}`,
      );
    console.log(
      Object.entries(score.details)
        .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toPrecision(4)}`)
        .join(', '),
    );
    if (out) console.log(`written: ${out}`);
  } finally {
    ctx.vit.dispose();
  }
}
