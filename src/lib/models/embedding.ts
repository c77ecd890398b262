/**
 * Initial weights of the patch embedding and the optional per-token stem shared by
 * both architectures, and the conversion of a float embedding into the exact
 * integer form (config.exactEmbedding; see config.ts for why it is exact).
 */
import { embedWidth, patchDim, type ModelConfig } from './config';
import { filled, truncNormal, type HostTensor, type HostWeights, type ModelRandom } from './init';

/** Largest sum of |w| over a column: 255 * sum stays below 2^24 (float32's exact-integer range). */
export const EXACT_COLUMN_L1 = 64000;
/** Largest |w|: integers up to 2048 survive float16 storage exactly. */
export const EXACT_MAX_WEIGHT = 2047;

/**
 * Float embedding wEff [P, E] acting on x = pixel / 255 - 0.5 -> integer weights m and
 * per-column scales with wEff ≈ 510 * m * scale (inputs fed as 2 * pixel - 255).
 * Each column is scaled to use the largest integers the exactness bounds allow.
 */
export function toExactEmbedding(wEff: HostTensor): { w: HostTensor; scale: HostTensor } {
  const [P, E] = wEff.shape;
  const m = new Float32Array(P * E);
  const scale = new Float32Array(E);
  for (let d = 0; d < E; d++) {
    let l1 = 0;
    let max = 0;
    for (let i = 0; i < P; i++) {
      const v = Math.abs(wEff.data[i * E + d]);
      l1 += v;
      max = Math.max(max, v);
    }
    // rounding adds at most P / 2 to the L1 sum
    const k = Math.min((EXACT_COLUMN_L1 - P / 2) / Math.max(l1, 1e-30), EXACT_MAX_WEIGHT / Math.max(max, 1e-30));
    for (let i = 0; i < P; i++) m[i * E + d] = Math.round(wEff.data[i * E + d] * k);
    scale[d] = 1 / (510 * k);
  }
  return { w: { shape: [P, E], data: m }, scale: { shape: [E], data: scale } };
}

/** The float map an exact embedding stands for: wEff = 510 * m * scale (per column). */
export function effectiveEmbedding(w: HostTensor, scale: HostTensor | undefined): HostTensor {
  if (!scale) return w;
  const [P, E] = w.shape;
  const out = new Float32Array(P * E);
  for (let i = 0; i < P; i++) for (let d = 0; d < E; d++) out[i * E + d] = 510 * w.data[i * E + d] * scale.data[d];
  return { shape: [P, E], data: out };
}

/** patch.w / patch.b (and patch.scale for an exact embedding), random; training replaces them by PCA whitening. */
export function initPatchEmbedding(cfg: ModelConfig, rng: ModelRandom): HostWeights {
  const P = patchDim(cfg);
  const E = embedWidth(cfg);
  const w = truncNormal(rng, [P, E], 1 / Math.sqrt(P));
  const out: HostWeights = { 'patch.w': w, 'patch.b': filled([E], 0) };
  if (cfg.exactEmbedding) {
    const exact = toExactEmbedding(w);
    out['patch.w'] = exact.w;
    out['patch.scale'] = exact.scale;
  }
  return out;
}

/** Stem weights (config.embedDim set): none otherwise. */
export function initStem(cfg: ModelConfig, rng: ModelRandom): HostWeights {
  if (cfg.embedDim === undefined) return {};
  const E = cfg.embedDim;
  const D = cfg.width;
  const H = cfg.stemMlpDim ?? 0;
  const w: HostWeights = {
    'stem.in.ln.g': filled([E], 1),
    'stem.in.ln.b': filled([E], 0),
    'stem.proj.w': truncNormal(rng, [E, D], 1 / Math.sqrt(E)),
    'stem.proj.b': filled([D], 0),
  };
  if (H > 0) {
    w['stem.w1'] = truncNormal(rng, [E, H], 1 / Math.sqrt(E));
    w['stem.b1'] = filled([H], 0);
    w['stem.w2'] = truncNormal(rng, [H, D], 0.1 / Math.sqrt(H));
    w['stem.b2'] = filled([D], 0);
  }
  return w;
}
