/**
 * What bench/device/prepInference.ts (here, tfjs-wasm) and dawnInference.ts (on a GPU
 * machine, tfjs-webgpu on Dawn) share, so both sides load, adapt and run the models
 * the same way: the shipped models of a folder, each with its key-adapted copy, and
 * their logits on chosen rows of a block of model-input images.
 */
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BpePlan } from '../../src/lib/cipher/bpe/plan';
import { bpeProtectedInput } from '../../src/lib/cipher/bpe/protection';
import { createRgbImage } from '../../src/lib/image/rgb';
import { MODEL_INPUT_SIZE } from '../../src/lib/image/modelInput';
import { adaptModel, load, toBatch, type DiagnosisModel } from '../../src/lib/models/model';

/** Testing images per class in the check */
export const PER_CLASS = 8;
const IMAGE_BYTES = MODEL_INPUT_SIZE * MODEL_INPUT_SIZE * 3;

export interface CheckedModel {
  name: string;
  /** the dataset the model reads: its folder name without the architecture */
  dataset: string;
  plain: DiagnosisModel;
  adapted: DiagnosisModel;
}

export async function deviceCheckModels(dir: string, plan: BpePlan): Promise<CheckedModel[]> {
  const names = (await readdir(dir)).filter((n) => existsSync(join(dir, n, 'model.json'))).sort();
  const out: CheckedModel[] = [];
  for (const name of names) {
    const plain = await load({ loader: async (f) => new Uint8Array(await readFile(join(dir, name, f))) });
    out.push({
      name,
      dataset: name.replace(/^(vit|cnn)-/, ''),
      plain,
      adapted: adaptModel(plain, bpeProtectedInput(plan)),
    });
  }
  return out;
}

/** The block's images at `rows` as the model's input tensor (the caller disposes it). */
export function batchOf(model: DiagnosisModel, pixels: Uint8Array, rows: readonly number[]) {
  const images = rows.map((k) =>
    createRgbImage(MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, pixels.subarray(k * IMAGE_BYTES, (k + 1) * IMAGE_BYTES)),
  );
  return toBatch(images, model.config);
}

/** Logits of `model` on the images at `rows`, 8 at a time (read asynchronously: WebGPU has no synchronous read in Node). */
export async function logitsOf(
  model: DiagnosisModel,
  pixels: Uint8Array,
  rows: readonly number[],
): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < rows.length; i += 8) {
    const batch = batchOf(model, pixels, rows.slice(i, i + 8));
    const logits = model.logits(batch);
    out.push(...((await logits.array()) as number[][]));
    tf.dispose([batch, logits]);
  }
  return out;
}
