/**
 * CKKS heads of the shipped models (public/models): first, in plain, that each
 * model's logits are its linear head (`head.w`, `head.b`) applied to its
 * class-token / pooled features (the view ensemble averages both, and a linear
 * map commutes with the mean); then features -> encrypt -> head on ciphertext ->
 * decrypt against the plain head on the same features (issue 17's bound: 1e-4)
 * and the same argmax as the model. Images: three synthetic brain phantoms for
 * every model, plus two real Testing images per class where ../shared/datasets is
 * there (skipped with the reason otherwise). The full Testing split is the
 * bench's figure (`npm run bench -- --suite he`). Skips a model that is absent.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSealWithHeap } from '../../../testing/sealHeap';
import { decodeImageFile } from '../../decode';
import { toModelInput } from '../../image/resize';
import type { RgbImage } from '../../image/rgb';
import { load, loadManifestAndBytes } from '../../models/model';
import { deserializeWeights } from '../../models/weightsFile';
import { brainPhantom } from '../../samples/phantom';
import { createCkksClient } from './client';
import { linearHead, plainHead } from './head';
import type { Seal } from './params';
import { createCkksHead } from './server';

const MODELS = [
  { name: 'vit-brain-mri', data: '../shared/datasets/brain-mri/Testing' },
  { name: 'cnn-brain-mri', data: '../shared/datasets/brain-mri/Testing' },
  { name: 'vit-lung-histopathology', data: '../shared/datasets/lung-histopathology/Testing' },
  { name: 'cnn-lung-histopathology', data: '../shared/datasets/lung-histopathology/Testing' },
];

async function realImages(dir: string, perClass: number): Promise<RgbImage[]> {
  if (!existsSync(dir)) return [];
  const out: RgbImage[] = [];
  for (const c of (await readdir(dir)).sort()) {
    const files = (await readdir(join(dir, c))).sort();
    for (let k = 0; k < perClass; k++) {
      const f = files[Math.floor((k * files.length) / perClass)];
      out.push(toModelInput((await decodeImageFile(new Uint8Array(await readFile(join(dir, c, f))), f)).image, 200));
    }
  }
  return out;
}

const argmax = (v: ArrayLike<number>) => Array.from(v).indexOf(Math.max(...Array.from(v)));

describe('CKKS heads of the shipped models', () => {
  let seal: Seal;
  const phantoms = [11, 23, 37].map((seed, i) =>
    toModelInput(brainPhantom({ seed, lesion: i * 0.1, t2: i === 2 }), 200),
  );
  beforeAll(async () => {
    await tf.setBackend('wasm');
    ({ seal } = await loadSealWithHeap());
  }, 60_000);
  afterAll(() => tf.disposeVariables());

  for (const m of MODELS) {
    const dir = join('public/models', m.name);
    it.skipIf(!existsSync(join(dir, 'model.json')))(
      `${m.name}: logits = head(features) in plain; encrypted head within 1e-4, same argmax`,
      async () => {
        if (!existsSync(m.data)) console.log(`${m.name}: ${m.data} absent, synthetic phantoms only`);
        const source = { loader: async (f: string) => new Uint8Array(await readFile(join(dir, f))) };
        const { manifest, bytes } = await loadManifestAndBytes(source);
        const host = deserializeWeights(manifest, bytes);
        const head = linearHead(host['head.w'], host['head.b']);
        const model = await load(source);
        const images = [...phantoms, ...(await realImages(m.data, 2))];
        const features = await model.classTokenFeatures(images);
        const predictions = await model.predict(images);
        model.dispose();
        expect(features[0].length).toBe(head.features);
        expect(head.classes).toBe(manifest.config.classes.length);

        const plain = features.map((x) => plainHead(head, x));
        let modelVsHead = 0;
        plain.forEach((row, i) =>
          row.forEach((v, c) => (modelVsHead = Math.max(modelVsHead, Math.abs(v - predictions[i].logits[c])))),
        );
        expect(modelVsHead).toBeLessThan(1e-4); // float32 tfjs against float64 here

        const client = createCkksClient(seal, head);
        const server = createCkksHead(seal, head, client.evaluationKeys());
        try {
          const one = client.decrypt(server.apply(client.encrypt([features[0]])));
          const all = client.decrypt(server.apply(client.encrypt(features)));
          let diff = 0;
          [one[0], ...all].forEach((row, i) => {
            const want = plain[i === 0 ? 0 : i - 1];
            row.forEach((v, c) => (diff = Math.max(diff, Math.abs(v - want[c]))));
          });
          const agree = all.filter((row, i) => argmax(row) === predictions[i].classIndex).length;
          console.log(
            `${m.name}: F = ${head.features}, C = ${head.classes}, ${images.length} images; ` +
              `model vs head(features) ${modelVsHead.toExponential(2)}; CKKS vs plain head ${diff.toExponential(2)}; ` +
              `argmax ${agree}/${images.length}`,
          );
          expect(diff).toBeLessThan(1e-4);
          expect(agree).toBe(images.length);
        } finally {
          server.dispose();
          client.dispose();
        }
      },
      60_000,
    );
  }
});
