/**
 * The seam between a protection scheme and the diagnosis models
 * (docs/ARCHITECTURE.md, Protection schemes). A model runs on protected input
 * through `ProtectedInput` alone: which plain block each token slot holds, the
 * key-dependent transform of its first layer (the patch embedding), and how the
 * protected image is laid out as tokens. Block-pixel encryption
 * (src/lib/cipher/bpe/protection.ts) is the first implementation; another scheme
 * implements these two interfaces and plugs in without touching vit.ts, cnn.ts
 * or model.ts (src/lib/protection/protectedInput.test.ts adds one).
 *
 * Must never: import a scheme (cipher/*), tfjs or a model; hold key material
 * itself (an implementation's objects do, and are dropped through `forget`).
 */
import type { CipherKey } from '../keys/key';

/** A row-major array on the host (the models' HostTensor has this shape). */
export interface HostMatrix {
  shape: number[];
  data: Float32Array;
}

/** Square images of side `imageSize` cut into `blockSize` blocks: the model's tokens. */
export interface TokenGeometry {
  imageSize: number;
  blockSize: number;
}

/**
 * Where token-ordered element j ([T, B*B*3], ops.ts `patchify` layout) comes from
 * in the plain bytes, and what it is XORed with: any byte gather (and byte mask)
 * is built from the plain bytes in one indexed pass (models/blockInput.ts).
 */
export interface BlockLayout {
  imageSize: number;
  src: Uint32Array;
  /** XOR mask per token-ordered element (absent: plain bytes) */
  mask?: Uint8Array;
}

/**
 * What a model needs to run on one key's protected input. The first layer of
 * every model is one linear map per block, applied alike to each token; a scheme
 * that moves whole blocks between slots and transforms each block by a fixed
 * map the embedding can absorb fits here.
 */
export interface ProtectedInput extends TokenGeometry {
  /** the scheme's name and version, e.g. 'bpe-v1' */
  readonly scheme: string;
  /** tokenSource[j] = the plain block whose protected form sits in token slot j (a permutation of T) */
  readonly tokenSource: Uint32Array;
  /**
   * The patch embedding for protected blocks: maps each protected block to what
   * (w, c) map its plain block to. w is [B*B*3, E] row-major (one row per block
   * element), c is [E]; the embedding sees x = pixel / 255 - inputCentre.
   */
  adaptEmbedding(w: HostMatrix, c: HostMatrix, inputCentre: number): { w: HostMatrix; c: HostMatrix };
  /** The protected image as the model's tokens, read straight from the plain bytes. */
  tokenLayout(): BlockLayout;
}

/** A way of protecting model input under a user's key, with its own cache of per-key material. */
export interface ProtectionScheme {
  /** the name its ProtectedInput objects carry */
  readonly name: string;
  /** The protected input for `key` (its key-check value names it) and this geometry. */
  forKey(key: CipherKey, geometry: TokenGeometry): Promise<ProtectedInput>;
  /** Drops everything held for the key with this check value (the user forgot or replaced it). */
  forget(keyCheck: string): void;
  /** Drops everything held for every key. */
  clear(): void;
}

/** Host-side patchify index: order[j] = pixel-array index of token-ordered element j. */
export function blockOrderIndex(imageSize: number, patch: number): Uint32Array {
  const g = imageSize / patch;
  const per = patch * patch * 3;
  const out = new Uint32Array(imageSize * imageSize * 3);
  for (let t = 0; t < g * g; t++) {
    const y0 = Math.floor(t / g) * patch;
    const x0 = (t % g) * patch;
    for (let i = 0; i < per; i++) {
      const p = Math.floor(i / 3);
      out[t * per + i] = ((y0 + Math.floor(p / patch)) * imageSize + x0 + (p % patch)) * 3 + (i % 3);
    }
  }
  return out;
}
