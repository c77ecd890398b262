/**
 * Minimum-difference attack on a BPE image (per-pixel colour recovery, as used by
 * the jigsaw-puzzle attacks on block-scrambling image encryption, Chuman et al.).
 * For each pixel it tries the 48 ways the key could have transformed its three
 * values (6 channel orders x 8 negative/positive patterns) and keeps the one
 * closest (L1) to the already decoded left and upper neighbours in the same
 * block; ties go to the candidate with the least colour spread. The first pixel
 * of a block has no neighbour and takes the least-spread candidate.
 * Works per block because block edges are not neighbours after shuffling. It does
 * not try to restore positions: in bpe-v1 the in-block pixel order is also
 * scrambled, so "neighbours" here are random pixels of the same block, and that
 * is exactly what the measured SSIM shows. Reads only the encrypted image.
 */
import type { RgbImage } from '../image/rgb';
import { CHANNEL_ORDERS } from '../cipher/bpe/plan';

/** The 48 candidate transforms as (channel order, flip mask) pairs. */
const CANDIDATES: readonly { order: readonly [number, number, number]; flips: number }[] = CHANNEL_ORDERS.flatMap(
  (order) => Array.from({ length: 8 }, (_, flips) => ({ order, flips })),
);

export function minDifferenceAttack(encrypted: RgbImage, blockSize: number): RgbImage {
  const { width: W, height: H, data } = encrypted;
  if (!Number.isInteger(blockSize) || blockSize < 1 || W % blockSize !== 0 || H % blockSize !== 0) {
    throw new Error(`image ${W}x${H} is not a whole number of ${blockSize}x${blockSize} blocks`);
  }
  const out = new Uint8Array(data.length);
  const cand = new Int32Array(3);
  for (let y = 0; y < H; y++) {
    const hasUp = y % blockSize !== 0;
    for (let x = 0; x < W; x++) {
      const hasLeft = x % blockSize !== 0;
      const o = (y * W + x) * 3;
      const e0 = data[o],
        e1 = data[o + 1],
        e2 = data[o + 2];
      const l = o - 3;
      const u = o - W * 3;
      let bestCost = Infinity;
      let b0 = e0,
        b1 = e1,
        b2 = e2;
      for (const { order, flips } of CANDIDATES) {
        for (let c = 0; c < 3; c++) {
          const v = order[c] === 0 ? e0 : order[c] === 1 ? e1 : e2;
          cand[c] = flips & (1 << c) ? 255 - v : v;
        }
        let dist = 0;
        if (hasLeft)
          dist += Math.abs(cand[0] - out[l]) + Math.abs(cand[1] - out[l + 1]) + Math.abs(cand[2] - out[l + 2]);
        if (hasUp) dist += Math.abs(cand[0] - out[u]) + Math.abs(cand[1] - out[u + 1]) + Math.abs(cand[2] - out[u + 2]);
        const spread = Math.abs(cand[0] - cand[1]) + Math.abs(cand[1] - cand[2]);
        // Lexicographic: neighbour distance first (at most 1530), colour spread (at most 510) breaks ties.
        const cost = dist * 1024 + spread;
        if (cost < bestCost) {
          bestCost = cost;
          b0 = cand[0];
          b1 = cand[1];
          b2 = cand[2];
        }
      }
      out[o] = b0;
      out[o + 1] = b1;
      out[o + 2] = b2;
    }
  }
  return { width: W, height: H, data: out };
}
