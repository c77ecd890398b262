/**
 * The inversion attacker's public prior for the page's "Hospital network" view
 * (src/apps/web/network/inversion): for each shipped ViT, from an evenly spaced
 * sample of ../shared/datasets/<dataset>/Training ONLY (never Testing, never a
 * user's scan):
 *   public/inversion/<dataset>-mean.png        the dataset's mean image (the baseline every
 *                                              reconstruction is scored against, and the token
 *                                              inversion's starting point)
 *   public/inversion/vit-<dataset>-prior.json  mean and spread of the class tokens of a few of
 *                                              those images (the server-view attacker's scale)
 * The same numbers the CLI's `attack --kind ...` computes (learn/inversion/publicPrior.ts).
 *   npx tsx scripts/make-inversion-priors.ts [--data ../shared/datasets] [--sample 60]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { pixelVit, pixelsOf, tokenPrior } from '../src/lib/attacks/inversion';
import { encodeRgbPng } from '../src/lib/image/png';
import { loadManifestAndBytes } from '../src/lib/models/model';
import { deserializeWeights } from '../src/lib/models/weightsFile';
import { publicSample } from '../src/learn/inversion/publicPrior';

const ROOT = resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const DATA = resolve(ROOT, arg('data', '../shared/datasets'));
const SAMPLE = Number(arg('sample', '60'));
const TOKENS = 8;
const DATASETS = ['brain-mri', 'lung-histopathology'];

async function main(): Promise<void> {
  if (!(await tf.setBackend('wasm'))) throw new Error('could not start the tfjs wasm backend');
  await tf.ready();
  const out = join(ROOT, 'public', 'inversion');
  mkdirSync(out, { recursive: true });
  for (const dataset of DATASETS) {
    const dir = join(ROOT, 'public', 'models', `vit-${dataset}`);
    const { manifest, bytes } = await loadManifestAndBytes({
      loader: async (f) => new Uint8Array(readFileSync(join(dir, f))),
    });
    const vit = pixelVit(manifest.config, deserializeWeights(manifest, bytes));
    try {
      const sample = await publicSample(join(DATA, dataset, 'Training'), SAMPLE, TOKENS, manifest.config.imageSize);
      writeFileSync(join(out, `${dataset}-mean.png`), encodeRgbPng(sample.mean));
      const prior = tokenPrior(sample.images.map((im) => tf.tidy(() => vit.features(pixelsOf(im)).dataSync())));
      const round = (v: Float32Array) => Array.from(v, (x) => Number(x.toPrecision(6)));
      const json = {
        model: `vit-${dataset}`,
        dataset,
        source: `${SAMPLE} images evenly spaced over ${dataset}/Training (mean image); class tokens of the first ${TOKENS}`,
        imageSize: manifest.config.imageSize,
        meanImages: sample.count,
        tokenImages: sample.images.length,
        tokenPrior: { mean: round(prior.mean), std: round(prior.std) },
      };
      writeFileSync(join(out, `vit-${dataset}-prior.json`), JSON.stringify(json) + '\n');
      console.log(`${dataset}: mean of ${sample.count} Training images, token prior of ${sample.images.length}`);
    } finally {
      vit.dispose();
    }
  }
}

await main();
