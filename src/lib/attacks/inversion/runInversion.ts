/**
 * Runs one model-inversion attack (lib/attacks/inversion) against one image and
 * scores it: PSNR, SSIM, NMI (and pHash distance) of the reconstruction against
 * the original, beside the same scores of the dataset's mean image (the guess
 * that needs no leak). No LPIPS: its network's weights cannot be installed
 * here, and no other measure is called by that name. Isomorphic: the CLI
 * (SEAL's Node build) and the page's inversion worker (its web build) inject
 * SEAL. Never logs pixels, tokens or keys.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../../image/rgb';
import { resizeRgb } from '../../image/resize';
import { leakageMetrics, type LeakageMetrics } from '../../metrics/leakage';
import { createCkksClient, type Seal } from '../../cipher/ckks';
import { ciphertextAsToken, type TokenPrior } from './serverView';
import { deepLeakage, tinyNetUpdate, tinyPatchNet } from './deepLeakage';
import { invertClassToken } from './tokenInversion';
import { pixelsOf, type PixelVit } from './pixelVit';
import { recoverFromUpdate, singleImageUpdate } from './patchEmbeddingLeak';
import type { InversionKind } from './index';

export interface InversionContext {
  vit: PixelVit;
  /** the dataset's mean image at the model's input size */
  mean: RgbImage;
  prior: TokenPrior;
  /** needed by server-view only */
  seal?: Seal;
  tokenSteps?: number;
  dlgIterations?: number;
  seed?: number;
}

export interface InversionScore {
  kind: InversionKind;
  /** reconstruction vs original */
  metrics: LeakageMetrics;
  /** the dataset's mean image vs the same original */
  meanImage: LeakageMetrics;
  /** side of the images compared (32 for the small DLG model, else the model input's) */
  size: number;
  details: Record<string, number>;
  reconstruction: RgbImage;
}

export const DLG_SIZE = 32;

export function runInversion(
  kind: InversionKind,
  ctx: InversionContext,
  original: RgbImage,
  label: number,
): InversionScore {
  const t0 = performance.now();
  const score = (reconstruction: RgbImage, details: Record<string, number>, reference = original, mean = ctx.mean) => ({
    kind,
    metrics: leakageMetrics(reference, reconstruction),
    meanImage: leakageMetrics(reference, mean),
    size: reference.width,
    details: { ...details, seconds: Math.round((performance.now() - t0) / 100) / 10 },
    reconstruction,
  });
  switch (kind) {
    case 'gradient-analytic': {
      const leak = recoverFromUpdate(ctx.vit, singleImageUpdate(ctx.vit, original, label));
      return score(leak.image, { biasResidual: leak.biasResidual });
    }
    case 'gradient-dlg': {
      const small = resizeRgb(original, DLG_SIZE, DLG_SIZE);
      const net = tinyPatchNet(ctx.seed ?? 1);
      const r = deepLeakage(net, tinyNetUpdate(net, small, label % net.classes), {
        iterations: ctx.dlgIterations,
        seed: ctx.seed,
      });
      return score(
        r.image,
        {
          iterations: r.iterations,
          matchingLossStart: r.lossStart,
          matchingLossEnd: r.lossEnd,
          labelRecovered: Number(r.label === label % net.classes),
        },
        small,
        resizeRgb(ctx.mean, DLG_SIZE, DLG_SIZE),
      );
    }
    case 'token-inversion': {
      const target = tf.tidy(() => ctx.vit.features(pixelsOf(original)).dataSync());
      const r = invertClassToken(ctx.vit, target, { start: ctx.mean, steps: ctx.tokenSteps });
      return score(r.image, { steps: r.steps, tokenLossStart: r.tokenLossStart, tokenLossEnd: r.tokenLossEnd });
    }
    case 'server-view': {
      if (!ctx.seal) throw new Error('server-view needs SEAL');
      const features = tf.tidy(() => ctx.vit.features(pixelsOf(original)).dataSync());
      const client = createCkksClient(ctx.seal, { features: features.length, classes: ctx.vit.config.classes.length });
      let guess: Float32Array;
      let bytes: number;
      try {
        const sent = client.encrypt([features]); // what the client uploads; the server never holds the key
        bytes = sent.ciphertexts.reduce((n, c) => n + c.length, 0);
        guess = ciphertextAsToken(ctx.seal, sent.ciphertexts[0], ctx.prior);
      } finally {
        client.dispose();
      }
      const r = invertClassToken(ctx.vit, guess, { start: ctx.mean, steps: ctx.tokenSteps });
      return score(r.image, { steps: r.steps, ciphertextBytes: bytes, tokenLossEnd: r.tokenLossEnd });
    }
  }
}
