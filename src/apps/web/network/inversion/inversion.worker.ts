/**
 * The page's model-inversion worker (issue 17, "The page"): runs each attack of
 * lib/attacks/inversion on the loaded scan with the shipped ViT (tfjs, wasm
 * backend) and scores it (runInversion: PSNR, SSIM, NMI against the original,
 * beside the dataset's mean image). The attacker's public prior, the mean image
 * and the class-token statistics of a few Training images, is the precomputed
 * public/inversion/ (scripts/make-inversion-priors.ts). The CKKS ciphertext of
 * the server-view attack is made here with a key made here and dropped at once.
 *
 * Must never: log or post anywhere but back to the page the scan, tokens or
 * reconstructions; keep the scan after a call.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  denseFirstLayerLeak,
  pixelVit,
  pixelsOf,
  runInversion,
  type InversionKind,
  type PixelVit,
  type TokenPrior,
} from '../../../../lib/attacks/inversion';
import type { Seal } from '../../../../lib/cipher/ckks';
import type { RgbImage } from '../../../../lib/image/rgb';
import { decodeRgbPng } from '../../../../lib/image/png';
import { resizeRgb } from '../../../../lib/image/resize';
import { leakageMetrics, type LeakageMetrics } from '../../../../lib/metrics/leakage';
import { loadManifestAndBytes } from '../../../../lib/models/model';
import { deserializeWeights } from '../../../../lib/models/weightsFile';
import { loadSeal } from '../../../../platform/browser/seal';
import { useBundledWasmFiles } from '../../../../platform/browser/wasmAssets';
import { exposeWorkerApi } from '../../../../platform/browser/workers/exposeApi';
import type { PageInversionSettings } from './settings';

useBundledWasmFiles();

/** Where the model and the attacker's prior live (URLs of this page's origin). */
export interface AttackerSources {
  model: string;
  modelUrl: string;
  meanUrl: string;
  priorUrl: string;
}

export interface AttackOutcome {
  kind: InversionKind;
  metrics: LeakageMetrics;
  meanImage: LeakageMetrics;
  size: number;
  details: Record<string, number>;
  reconstruction: RgbImage;
  /** the original at the compared size, when that is not the scan's (DLG: 32 x 32) */
  reference?: RgbImage;
  /** the mean image at the compared size */
  mean: RgbImage;
  label: number;
  /** which model's update or token was attacked */
  attacked: 'shipped-vit' | 'small-patch-net' | 'dense-first-layer';
  backend: string;
}

interface Attacker {
  model: string;
  vit: PixelVit;
  mean: RgbImage;
  prior: TokenPrior;
  seal: Seal;
}

let attacker: Promise<Attacker> | undefined;
let attackerModel: string | undefined;

async function bytesAt(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url} (${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

async function loadAttacker(src: AttackerSources): Promise<Attacker> {
  if (tf.getBackend() !== 'wasm' && !(await tf.setBackend('wasm')))
    throw new Error('could not start the tfjs wasm backend');
  await tf.ready();
  const { manifest, bytes } = await loadManifestAndBytes({ url: src.modelUrl });
  const vit = pixelVit(manifest.config, deserializeWeights(manifest, bytes));
  try {
    const mean = decodeRgbPng(await bytesAt(src.meanUrl)).image;
    const prior = JSON.parse(new TextDecoder().decode(await bytesAt(src.priorUrl))) as {
      tokenPrior: { mean: number[]; std: number[] };
    };
    if (mean.width !== manifest.config.imageSize) throw new Error('the mean image is not at the model input size');
    return {
      model: src.model,
      vit,
      mean,
      prior: { mean: Float32Array.from(prior.tokenPrior.mean), std: Float32Array.from(prior.tokenPrior.std) },
      seal: await loadSeal(),
    };
  } catch (err) {
    vit.dispose();
    throw err;
  }
}

function ensureAttacker(src: AttackerSources): Promise<Attacker> {
  if (!attacker || attackerModel !== src.model) {
    void attacker?.then((a) => a.vit.dispose()).catch(() => undefined);
    attackerModel = src.model;
    attacker = loadAttacker(src);
    attacker.catch(() => (attacker = undefined));
  }
  return attacker;
}

const api = {
  async attack(
    src: AttackerSources,
    kind: InversionKind,
    original: RgbImage,
    settings: PageInversionSettings,
  ): Promise<AttackOutcome> {
    const a = await ensureAttacker(src);
    if (original.width !== a.vit.config.imageSize) throw new Error('the scan is not at the model input size');
    // the victim's label: the model's own answer, as `cli attack` does without --label
    const label = tf.tidy(() => a.vit.outputs(pixelsOf(original)).logits.argMax(1).dataSync()[0]);
    if (kind === 'gradient-analytic' && a.vit.config.embedDim !== undefined) {
      // the closed form refuses a ViT with a stem (patchEmbeddingLeak.ts): the textbook dense first layer instead
      const t0 = performance.now();
      const leak = denseFirstLayerLeak(original, label, settings.seed);
      return {
        kind,
        metrics: leakageMetrics(original, leak.image),
        meanImage: leakageMetrics(original, a.mean),
        size: original.width,
        details: { hidden: leak.hidden, seconds: Math.round((performance.now() - t0) / 100) / 10 },
        reconstruction: leak.image,
        mean: a.mean,
        label,
        attacked: 'dense-first-layer',
        backend: tf.getBackend(),
      };
    }
    const score = runInversion(
      kind,
      {
        vit: a.vit,
        mean: a.mean,
        prior: a.prior,
        seal: a.seal,
        tokenSteps: settings.tokenSteps,
        dlgIterations: settings.dlgIterations,
        seed: settings.seed,
      },
      original,
      label,
    );
    const small = score.size !== original.width;
    return {
      kind,
      metrics: score.metrics,
      meanImage: score.meanImage,
      size: score.size,
      details: score.details,
      reconstruction: score.reconstruction,
      ...(small ? { reference: resizeRgb(original, score.size, score.size) } : {}),
      mean: small ? resizeRgb(a.mean, score.size, score.size) : a.mean,
      label,
      attacked: kind === 'gradient-dlg' ? 'small-patch-net' : 'shipped-vit',
      backend: tf.getBackend(),
    };
  },

  async memory(): Promise<{ numTensors: number }> {
    return { numTensors: tf.memory().numTensors };
  },
};

export type InversionWorkerApi = typeof api;

exposeWorkerApi(api);
