/**
 * The BPE plan (`bpe-v1`, ARCHITECTURE.md §3): everything the key decides, drawn once
 * per key and image geometry, then used by every implementation (TypeScript
 * reference, WebGPU kernel, model adaptation).
 *
 * Draw order from the keystream (fixed; test vectors pin it):
 *   1. pixelPerm   : permutation of the B*B positions inside a block
 *   2. blockPerm   : permutation of the (S/B)^2 blocks
 *   3. flipBits    : B*B*3 bits, index p*3 + c (position p after step 1, channel c)
 *   4. channelPerm : for each of the B*B positions, uniform(6) -> one of CHANNEL_ORDERS
 *
 * Semantics, all as gathers ("output slot takes from input slot"):
 *   step 1: out(block b, pos p, ch c)  = in(b, pixelPerm[p], c)
 *   step 2: out(slot j, p, c)          = in(blockPerm[j], p, c)
 *   step 3: out(j, p, c)               = flipBits[p*3+c] ? 255 - in(j,p,c) : in(j,p,c)
 *   step 4: out(j, p, c)               = in(j, p, CHANNEL_ORDERS[channelPerm[p]][c])
 * Composed: out[i] = flip[i] ? 255 - in[src[i]] : in[src[i]].
 */
import type { CipherKey } from '../../keys/key';
import { deriveSubkey } from '../../keys/key';
import { MODEL_INPUT_SIZE } from '../../image/modelInput';
import { Keystream } from './keystream';

export const BPE_VERSION = 'bpe-v1';
export const DEFAULT_IMAGE_SIZE = MODEL_INPUT_SIZE;
export const DEFAULT_BLOCK_SIZE = 25;
/**
 * The largest image side a plan is made for. A plan holds about 30 bytes per pixel (forward and inverse
 * gathers), and a hostile encrypted PNG's header names the geometry: without a bound a 7000 x 7000 file with
 * one 7000-pixel block would have a reader draw a 49-million-entry permutation and allocate gigabytes.
 * 1024 is five times the model input, far above any geometry this app makes.
 */
export const MAX_BPE_IMAGE_SIZE = 1024;
/** A 1-pixel block has no pixels to scramble inside it: the in-block steps would do nothing. */
export const MIN_BPE_BLOCK_SIZE = 2;

export const CHANNEL_ORDERS: readonly (readonly [number, number, number])[] = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

export interface BpeGeometry {
  /** image side S (square images only) */
  imageSize: number;
  /** block side B; S must be a multiple of B */
  blockSize: number;
}

/** The key's draws, in block-local form (what model adaptation needs). */
export interface BpeDraws extends BpeGeometry {
  pixelPerm: Uint32Array; // length B*B
  blockPerm: Uint32Array; // length (S/B)^2
  flipBits: Uint8Array; // length B*B*3
  channelPerm: Uint8Array; // length B*B, values 0..5
}

/**
 * The composed plan. `blockSrc[i]`/`blockFlip[i]` for i in a block's B*B*3
 * elements say which element of the (already block-shuffled) plain block element
 * i takes from and whether it is inverted; they are the same for every block.
 * `src`/`flip` are the same map spread over the whole S*S*3 image.
 */
export interface BpePlan extends BpeDraws {
  version: typeof BPE_VERSION;
  blockSrc: Uint32Array; // length B*B*3, values in [0, B*B*3)
  blockFlip: Uint8Array; // length B*B*3, 0 or 1
  src: Uint32Array; // length S*S*3
  flip: Uint8Array; // length S*S*3
}

export function checkGeometry({ imageSize, blockSize }: BpeGeometry): void {
  if (!Number.isInteger(imageSize) || !Number.isInteger(blockSize) || blockSize < 1 || imageSize < 1) {
    throw new Error('image and block sizes must be positive integers');
  }
  if (imageSize > MAX_BPE_IMAGE_SIZE) {
    throw new Error(`image size ${imageSize} is larger than block-pixel encryption takes (${MAX_BPE_IMAGE_SIZE})`);
  }
  if (blockSize < MIN_BPE_BLOCK_SIZE) {
    throw new Error(`block size ${blockSize} is too small (at least ${MIN_BPE_BLOCK_SIZE})`);
  }
  if (imageSize % blockSize !== 0) {
    throw new Error(`image size ${imageSize} is not a multiple of block size ${blockSize}`);
  }
}

export function drawFromKeystream(stream: Keystream, geometry: BpeGeometry): BpeDraws {
  checkGeometry(geometry);
  const { imageSize: S, blockSize: B } = geometry;
  const n = B * B;
  const blocksPerSide = S / B;
  const pixelPerm = stream.permutation(n);
  const blockPerm = stream.permutation(blocksPerSide * blocksPerSide);
  const flipBits = stream.bits(n * 3);
  const channelPerm = new Uint8Array(n);
  for (let p = 0; p < n; p++) channelPerm[p] = stream.uniform(6);
  return { ...geometry, pixelPerm, blockPerm, flipBits, channelPerm };
}

export function composePlan(d: BpeDraws): BpePlan {
  const { imageSize: S, blockSize: B } = d;
  const n = B * B;
  const blockSrc = new Uint32Array(n * 3);
  const blockFlip = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const order = CHANNEL_ORDERS[d.channelPerm[p]];
    for (let c = 0; c < 3; c++) {
      const cAfterFlip = order[c]; // step 4 reads channel order[c] of the step-3 output
      blockFlip[p * 3 + c] = d.flipBits[p * 3 + cAfterFlip];
      blockSrc[p * 3 + c] = d.pixelPerm[p] * 3 + cAfterFlip;
    }
  }
  const src = new Uint32Array(S * S * 3);
  const flip = new Uint8Array(S * S * 3);
  const perSide = S / B;
  for (let j = 0; j < perSide * perSide; j++) {
    const outY0 = Math.floor(j / perSide) * B;
    const outX0 = (j % perSide) * B;
    const from = d.blockPerm[j];
    const inY0 = Math.floor(from / perSide) * B;
    const inX0 = (from % perSide) * B;
    for (let i = 0; i < n * 3; i++) {
      const p = Math.floor(i / 3);
      const outIndex = ((outY0 + Math.floor(p / B)) * S + outX0 + (p % B)) * 3 + (i % 3);
      const s = blockSrc[i];
      const q = Math.floor(s / 3);
      src[outIndex] = ((inY0 + Math.floor(q / B)) * S + inX0 + (q % B)) * 3 + (s % 3);
      flip[outIndex] = blockFlip[i];
    }
  }
  return { ...d, version: BPE_VERSION, blockSrc, blockFlip, src, flip };
}

/** Plan for `key` and geometry. Cheap (a few ms): callers may cache per key. */
export async function planForKey(
  key: CipherKey,
  geometry: BpeGeometry = { imageSize: DEFAULT_IMAGE_SIZE, blockSize: DEFAULT_BLOCK_SIZE },
): Promise<BpePlan> {
  checkGeometry(geometry); // before the sub-key exists: nothing to wipe on a refusal
  // ChaCha20 needs the sub-key as bytes: they exist only while the tables are drawn
  const subkey = await deriveSubkey(key, 'bpe');
  try {
    return composePlan(drawFromKeystream(new Keystream(subkey), geometry));
  } finally {
    subkey.fill(0);
  }
}

/** The inverse map, for decryption by the same gather: plain[src[i]] = flip[i] ? 255 - enc[i] : enc[i]. */
export function invertPlan(plan: Pick<BpePlan, 'src' | 'flip'>): { src: Uint32Array; flip: Uint8Array } {
  const src = new Uint32Array(plan.src.length);
  const flip = new Uint8Array(plan.flip.length);
  for (let i = 0; i < plan.src.length; i++) {
    src[plan.src[i]] = i;
    flip[plan.src[i]] = plan.flip[i];
  }
  return { src, flip };
}
