/**
 * One hospital of the page's live federated run (issue 17, "Hospital network"):
 * decodes its own share of the picked images, computes their class-token
 * features with a shipped model (tfjs, wasm), and from then on holds them and
 * speaks only in CKKS ciphertexts (lib/federated/hospitalParty.ts). The page
 * starts one per seat; seat 0 makes the CKKS key and the page hands its bytes to
 * the other seats' workers (the same device), never to the aggregator or server.
 *
 * `featuresForComparison` exists for the centralised baseline the view draws,
 * labelled as pooling the data; nothing else returns a feature.
 * Must never: log or post anywhere but back to the page what it is given
 * (images, the key), or send a plain statistic or gradient in a message.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { decodeImageFile } from '../../../lib/decode';
import { MODEL_INPUT_SIZE } from '../../../lib/image/modelInput';
import { toModelInput } from '../../../lib/image/resize';
import { load, type DiagnosisModel } from '../../../lib/models/model';
import type { EncryptedVector } from '../../../lib/federated/ckksStatistics';
import { HospitalParty, type LocalTraining, type RoundSummary } from '../../../lib/federated/hospitalParty';
import type { RidgeHead } from '../../../lib/federated/ridge';
import { loadSeal } from '../seal';
import { useBundledWasmFiles } from '../wasmAssets';
import { exposeWorkerApi } from './exposeApi';

useBundledWasmFiles();

/** images per forward pass: the ViT's view ensemble makes four of each, so memory stays small */
const BATCH = 8;

let model: { url: string; model: Promise<DiagnosisModel> } | undefined;
let party: HospitalParty | undefined;
let pooled: { x: Float32Array[]; labels: number[] } | undefined;

async function ensureModel(url: string): Promise<DiagnosisModel> {
  if (!model || model.url !== url) {
    if (model) (await model.model).dispose();
    const loading = (async () => {
      // wasm as the inference worker uses it by default; cpu only where wasm cannot start
      if (!(await tf.setBackend('wasm').catch(() => false))) await tf.setBackend('cpu');
      await tf.ready();
      return await load({ url });
    })();
    model = { url, model: loading };
    loading.catch(() => (model = undefined));
  }
  return await model.model;
}

async function featuresOf(url: string, files: File[], onProgress?: (done: number) => void): Promise<Float32Array[]> {
  const m = await ensureModel(url);
  const out: Float32Array[] = [];
  for (let i = 0; i < files.length; i += BATCH) {
    const images = [];
    for (const f of files.slice(i, i + BATCH)) {
      const decoded = await decodeImageFile(new Uint8Array(await f.arrayBuffer()), f.name);
      images.push(toModelInput(decoded.image, MODEL_INPUT_SIZE));
    }
    out.push(...(await m.classTokenFeatures(images)));
    onProgress?.(out.length);
  }
  return out;
}

function requireParty(): HospitalParty {
  if (!party) throw new Error('this hospital has not computed its features yet');
  return party;
}

const api = {
  /** Features of this hospital's images (kept here), then the party that trains on them. */
  async prepare(
    seat: number,
    modelUrl: string,
    files: File[],
    labels: number[],
    classes: number,
    seed: number,
    onProgress?: (done: number) => void,
  ): Promise<{ images: number; features: number; ms: number }> {
    const t0 = performance.now();
    const x = await featuresOf(modelUrl, files, onProgress);
    party?.dispose();
    party = new HospitalParty(await loadSeal(), seat, x, labels, classes, seed);
    pooled = { x, labels };
    return { images: x.length, features: x[0]?.length ?? 0, ms: performance.now() - t0 };
  },

  /** Features of the presenter's test images, for scoring heads in the page (not a hospital's data). */
  async testFeatures(modelUrl: string, files: File[]): Promise<Float32Array[]> {
    return await featuresOf(modelUrl, files);
  },

  /** The centralised comparison only: this hospital's features and labels, pooled by the page. */
  async featuresForComparison(): Promise<{ x: Float32Array[]; labels: number[] }> {
    if (!pooled) throw new Error('no features yet');
    return pooled;
  },

  async makeKey(): Promise<Uint8Array> {
    return requireParty().makeKey();
  },

  async takeKey(secretKey: Uint8Array): Promise<void> {
    requireParty().takeKey(secretKey);
  },

  async ridgeMessage(): Promise<EncryptedVector> {
    return requireParty().ridgeMessage();
  },

  async solveRidge(sum: EncryptedVector): Promise<{ head: RidgeHead; lambda: number }> {
    return requireParty().solveRidge(sum);
  },

  async fedavgMessage(options: LocalTraining): Promise<EncryptedVector> {
    return requireParty().fedavgMessage(options);
  },

  async applyRound(sum: EncryptedVector): Promise<RoundSummary> {
    return requireParty().applyRound(sum);
  },

  async head(): Promise<RidgeHead> {
    return requireParty().head;
  },

  async setHead(head: RidgeHead): Promise<void> {
    requireParty().head = head;
  },

  async resetHead(): Promise<void> {
    requireParty().resetHead();
  },

  /** Drops the key and the features (the page ends the worker after). */
  async dispose(): Promise<void> {
    party?.dispose();
    party = undefined;
    pooled = undefined;
  },
};

export type HospitalWorkerApi = typeof api;

exposeWorkerApi(api);
