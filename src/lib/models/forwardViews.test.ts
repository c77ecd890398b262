/**
 * Relative-bias ViTs run their test-time views through the one batched pass of
 * branches.ts `forwardViews` (each view's bias matrices added to its group of rows).
 * Checked against an independent per-view computation: each branch on its own
 * (`vitForward` with that branch's weights and bias matrices), then the mean over
 * views, as model.ts did before. Plain and key-adapted, on a fixture model with
 * random bias tables and on the shipped relative-bias ViT with real images (skipped
 * when its files or the data set are absent). The pixel-level check (views = the
 * single model on mirrored / turned images) is in views.test.ts.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptImage } from '../cipher/bpe/bpe';
import { planForKey } from '../cipher/bpe/plan';
import { bpeProtectedInput } from '../cipher/bpe/protection';
import { decodeImageFile } from '../decode';
import { toModelInput } from '../image/resize';
import type { RgbImage } from '../image/rgb';
import { generateKey } from '../keys/key';
import type { ProtectedInput } from '../protection/protectedInput';
import { makeBranches, relativeBiases } from './branches';
import { defaultVitConfig, gridSide, type ModelConfig, type VitConfig } from './config';
import { ModelRandom, truncNormal, type HostWeights } from './init';
import { intensityHistogramTensor } from './intensityHistogram';
import { adaptModel, createModel, loadManifestAndBytes, toBatch, type DiagnosisModel } from './model';
import type { ModelTensorInput, Weights } from './ops';
import { initRelativeBias } from './relativeBias';
import { initVit, vitForward } from './vit';
import { deserializeWeights } from './weightsFile';

const SHIPPED = 'public/models/vit-brain-mri';
const DATA = '../shared/datasets/brain-mri/Testing';

/** The model's three outputs for a batch, read back: logits, class-token features, guard features. */
function outputsOf(model: DiagnosisModel, batch: ModelTensorInput): number[][] {
  const ts = [model.logits(batch), model.features(batch), model.domainFeatures(batch)];
  const out = ts.map((t) => Array.from(t.dataSync()));
  tf.dispose(ts);
  return out;
}

/** The same three, one pass per view (branch) with its own weights, then the mean over views. */
function perView(cfg: ModelConfig, host: HostWeights, batch: ModelTensorInput, protection?: ProtectedInput) {
  const shared: Weights = {};
  for (const [name, t] of Object.entries(host)) shared[name] = tf.tensor(t.data, t.shape);
  const T = gridSide(cfg) ** 2;
  Object.assign(
    shared,
    relativeBiases(
      cfg,
      host,
      Array.from({ length: T }, (_, j) => j),
    ),
  );
  const { branches, own } = makeBranches(cfg, shared, host, protection);
  const ts = tf.tidy(() => {
    const outs = branches.map((b) => vitForward(cfg as VitConfig, b.weights, batch));
    const mean = (pick: (o: (typeof outs)[0]) => tf.Tensor2D) => tf.mean(tf.stack(outs.map(pick)), 0);
    return [
      mean((o) => o.logits),
      mean((o) => o.features),
      tf.concat([mean((o) => o.domainFeatures), intensityHistogramTensor(batch)], 1),
    ];
  });
  const out = ts.map((t) => Array.from(t.dataSync()));
  tf.dispose([...ts, ...Object.values(shared), ...own]);
  expect(branches.length).toBeGreaterThan(1);
  return out;
}

const worst = (a: number[][], b: number[][]) =>
  Math.max(...a.map((row, k) => Math.max(...row.map((v, i) => Math.abs(v - b[k][i])))));

/** Batched (model.ts) vs per-view outputs, plain and for `keys` random keys: the worst difference of each. */
async function compare(cfg: ModelConfig, host: HostWeights, images: RgbImage[], keys: number): Promise<number[]> {
  const model = createModel(cfg, host);
  const batch = toBatch(images, cfg);
  const diffs = [worst(outputsOf(model, batch), perView(cfg, host, batch))];
  batch.dispose();
  for (let k = 0; k < keys; k++) {
    const plan = await planForKey(await generateKey());
    const protection = bpeProtectedInput(plan);
    const adapted = adaptModel(model, protection);
    const enc = toBatch(
      images.map((im) => encryptImage(plan, im)),
      cfg,
    );
    diffs.push(worst(outputsOf(adapted, enc), perView(cfg, host, enc, protection)));
    enc.dispose();
    adapted.dispose();
  }
  model.dispose();
  return diffs;
}

function randomImage(seed: number): RgbImage {
  const rng = new ModelRandom(seed);
  return { width: 200, height: 200, data: Uint8Array.from({ length: 200 * 200 * 3 }, () => rng.int(256)) };
}

describe('relative-bias ViT views in one batched pass', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('fixture dihedral4 ViT with random bias tables: batched == per view (plain and 2 keys)', async () => {
    const cfg: VitConfig = {
      ...defaultVitConfig(['a', 'b', 'c']),
      depth: 2,
      exactEmbedding: true,
      relativeBias: true,
      viewEnsemble: 'dihedral4',
    };
    const rng = new ModelRandom(13);
    const host: HostWeights = {};
    for (const [name, t] of Object.entries(initVit(cfg, 4)))
      host[name] =
        name.endsWith('.g') || name.startsWith('patch.')
          ? t
          : // bias tables far from init, so that each view's permutation of them matters
            truncNormal(rng, t.shape, name.endsWith('.attn.rel') ? 1 : 0.2);
    expect(host['block0.attn.rel'].data).not.toEqual(initRelativeBias(cfg.heads, gridSide(cfg)).data);
    const diffs = await compare(cfg, host, [randomImage(1), randomImage(2), randomImage(3)], 2);
    for (const d of diffs) expect(d).toBeLessThan(1e-5);
    // and the bias matters: the same model without it gives other logits
    const images = [randomImage(1)];
    const withBias = createModel(cfg, host);
    const without = createModel({ ...cfg, relativeBias: false }, host);
    const a = (await withBias.predict(images))[0].logits;
    const b = (await without.predict(images))[0].logits;
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-2);
    withBias.dispose();
    without.dispose();
  }, 120_000);

  it.skipIf(!existsSync(join(SHIPPED, 'model.json')) || !existsSync(DATA))(
    'shipped relative-bias ViT on real images: batched == per view (plain and 1 key)',
    async () => {
      const { manifest, bytes } = await loadManifestAndBytes({
        loader: async (f) => new Uint8Array(await readFile(join(SHIPPED, f))),
      });
      const cfg = manifest.config;
      expect(cfg.architecture === 'vit' && cfg.relativeBias && cfg.viewEnsemble).toBeTruthy();
      const images: RgbImage[] = [];
      for (const c of (await readdir(DATA)).sort()) {
        const f = (await readdir(join(DATA, c))).sort()[0];
        const file = new Uint8Array(await readFile(join(DATA, c, f)));
        images.push(toModelInput((await decodeImageFile(file, f)).image, cfg.imageSize));
      }
      const diffs = await compare(cfg, deserializeWeights(manifest, bytes), images, 1);
      for (const d of diffs) expect(d).toBeLessThan(1e-5);
    },
    120_000,
  );
});
