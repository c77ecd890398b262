/**
 * The view ensemble must equal the model averaged over explicitly mirrored /
 * turned images (checks the block-level view maps), and adapt to a key like the
 * model (checked with the other configurations in adapt.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initCnn } from './cnn';
import { defaultCnnConfig, defaultVitConfig, type ModelConfig } from './config';
import { ModelRandom, truncNormal, type HostWeights } from './init';
import { createModel } from './model';
import { initVit } from './vit';
import { blockView, viewNames } from './views';
import type { RgbImage } from '../image/rgb';

function randomImage(seed: number): RgbImage {
  const rng = new ModelRandom(seed);
  return { width: 200, height: 200, data: Uint8Array.from({ length: 200 * 200 * 3 }, () => rng.int(256)) };
}

function transformed(img: RgbImage, map: (y: number, x: number) => [number, number]): RgbImage {
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < 200; y++)
    for (let x = 0; x < 200; x++) {
      const [sy, sx] = map(y, x);
      for (let c = 0; c < 3; c++) out[(y * 200 + x) * 3 + c] = img.data[(sy * 200 + sx) * 3 + c];
    }
  return { width: 200, height: 200, data: out };
}

const worst2 = (a: number[], b: number[]) => Math.max(...a.map((v, k) => Math.abs(v - b[k])));

function randomised(host: HostWeights): HostWeights {
  const rng = new ModelRandom(3);
  const out: HostWeights = {};
  for (const [name, t] of Object.entries(host))
    out[name] = name.endsWith('.g') || name.startsWith('patch.') ? t : truncNormal(rng, t.shape, 0.2);
  return out;
}

describe('view ensemble', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('block views of a mirror / half turn match the pixel maps', () => {
    const g = { imageSize: 200, patchSize: 25 };
    const v = blockView(g, 'mirror-x');
    expect(v.cellSrc[0]).toBe(7); // top-left view cell comes from the top-right block
    expect(v.elementSrc[0]).toBe(24 * 3); // its first pixel is the source block's last column
    const r = blockView(g, 'rotate-180');
    expect(r.cellSrc[0]).toBe(63);
    expect(r.elementSrc[0]).toBe((24 * 25 + 24) * 3);
    const q = blockView(g, 'rotate-90'); // a quarter turn clockwise: the top-left comes from the bottom-left
    expect(q.cellSrc[0]).toBe(56);
    expect(q.elementSrc[0]).toBe(24 * 25 * 3);
    expect(new Set(q.cellSrc).size).toBe(64); // blocks onto blocks: every source block used once
    expect(viewNames('dihedral8')).toHaveLength(8);
    expect(() => viewNames('dihedral16' as never)).toThrow(/unknown test-time views "dihedral16"/);
  });

  const last = 199;
  const pixelMaps: Record<string, (y: number, x: number) => [number, number]> = {
    identity: (y, x) => [y, x],
    'mirror-x': (y, x) => [y, last - x],
    'mirror-y': (y, x) => [last - y, x],
    'rotate-180': (y, x) => [last - y, last - x],
    'rotate-90': (y, x) => [last - x, y],
    'rotate-270': (y, x) => [x, last - y],
    transpose: (y, x) => [x, y],
    'anti-transpose': (y, x) => [last - x, last - y],
  };
  /** a two-layer exact-embedding model of either architecture with these views */
  const small = (
    architecture: 'vit' | 'cnn',
    viewEnsemble: ModelConfig['viewEnsemble'],
    relativeBias = false,
  ): ModelConfig => {
    const base =
      architecture === 'vit'
        ? { ...defaultVitConfig(['a', 'b', 'c']), relativeBias }
        : defaultCnnConfig(['a', 'b', 'c']);
    return { ...base, depth: 2, exactEmbedding: true, viewEnsemble };
  };
  const cases: ModelConfig[] = [
    small('cnn', 'mirror'),
    small('vit', 'dihedral4'),
    // relative attention biases: each view's bias matrices (its permutation of the tables) go with its rows
    small('vit', 'dihedral4', true),
    // quarter turns too: the CNN's cell gather and the ViT's positions and bias tables turn with the blocks
    small('cnn', 'dihedral8'),
    small('vit', 'dihedral8', true),
  ];
  for (const cfg of cases) {
    const name = `${cfg.architecture}${cfg.architecture === 'vit' && cfg.relativeBias ? ' relative-bias' : ''} ${cfg.viewEnsemble}`;
    it(`${name}: ensemble logits = mean of the single model over transformed images`, async () => {
      const host = randomised(cfg.architecture === 'vit' ? initVit(cfg, 2) : initCnn(cfg, 2));
      const ensemble = createModel(cfg, host);
      const single = createModel({ ...cfg, viewEnsemble: undefined }, host);
      const img = randomImage(11);
      const got = (await ensemble.predict(img))[0].logits;
      const names = viewNames(cfg.viewEnsemble);
      const per = await Promise.all(
        names.map(async (n) => (await single.predict(transformed(img, pixelMaps[n])))[0].logits),
      );
      const want = got.map((_, k) => per.reduce((s, l) => s + l[k], 0) / names.length);
      got.forEach((v, k) => expect(Math.abs(v - want[k])).toBeLessThan(1e-4));
      // and the views do differ (the test would pass trivially on a symmetric model otherwise)
      expect(Math.max(...per[1].map((v, k) => Math.abs(v - per[0][k])))).toBeGreaterThan(1e-3);
      ensemble.dispose();
      single.dispose();
    }, 60_000);

    it(`${name}: a batch of images gives each its own views' mean (logits and guard features)`, async () => {
      // the views run as one batch of views x images (branches.ts forwardViews): rows must not mix
      const host = randomised(cfg.architecture === 'vit' ? initVit(cfg, 2) : initCnn(cfg, 2));
      const ensemble = createModel(cfg, host);
      const single = createModel({ ...cfg, viewEnsemble: undefined }, host);
      const imgs = [randomImage(21), randomImage(22), randomImage(23)];
      const got = await ensemble.predict(imgs);
      const names = viewNames(cfg.viewEnsemble);
      for (const [i, img] of imgs.entries()) {
        const per = await Promise.all(
          names.map(async (n) => (await single.predict(transformed(img, pixelMaps[n])))[0]),
        );
        const mean = (pick: (p: (typeof per)[0]) => number[]) =>
          pick(per[0]).map((_, k) => per.reduce((s, p) => s + pick(p)[k], 0) / names.length);
        const worst = (a: number[], b: number[]) => Math.max(...a.map((v, k) => Math.abs(v - b[k])));
        expect(
          worst(
            got[i].logits,
            mean((p) => p.logits),
          ),
        ).toBeLessThan(1e-4);
        expect(
          worst(
            got[i].domainFeatures!,
            mean((p) => p.domainFeatures!),
          ),
        ).toBeLessThan(1e-4);
      }
      expect(worst2(got[0].logits, got[1].logits)).toBeGreaterThan(1e-3); // different images, different answers
      ensemble.dispose();
      single.dispose();
    }, 60_000);
  }
});
