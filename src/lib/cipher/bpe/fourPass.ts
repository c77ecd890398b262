/**
 * BPE as four separate passes, one per step of ARCHITECTURE.md §3, written to read
 * like the paper. It exists to check the fused gather (bpe.ts) step by step and
 * as the "straightforward" baseline in the benchmark; it is never used to encrypt.
 */
import { type BpeDraws, CHANNEL_ORDERS } from './plan';

export function encryptFourPass(d: BpeDraws, image: Uint8Array): Uint8Array {
  const { imageSize: S, blockSize: B } = d;
  const perSide = S / B;
  const at = (blockIndex: number, p: number, c: number) => {
    const by = Math.floor(blockIndex / perSide) * B;
    const bx = (blockIndex % perSide) * B;
    return ((by + Math.floor(p / B)) * S + bx + (p % B)) * 3 + c;
  };
  const blocks = perSide * perSide;
  const n = B * B;

  // 1. pixel scrambling inside every block
  const s1 = new Uint8Array(image.length);
  for (let b = 0; b < blocks; b++)
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) s1[at(b, p, c)] = image[at(b, d.pixelPerm[p], c)];

  // 2. block shuffling
  const s2 = new Uint8Array(image.length);
  for (let j = 0; j < blocks; j++)
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) s2[at(j, p, c)] = s1[at(d.blockPerm[j], p, c)];

  // 3. negative-positive transform
  const s3 = new Uint8Array(image.length);
  for (let j = 0; j < blocks; j++)
    for (let p = 0; p < n; p++)
      for (let c = 0; c < 3; c++) {
        const v = s2[at(j, p, c)];
        s3[at(j, p, c)] = d.flipBits[p * 3 + c] ? 255 - v : v;
      }

  // 4. colour-channel shuffling
  const s4 = new Uint8Array(image.length);
  for (let j = 0; j < blocks; j++)
    for (let p = 0; p < n; p++) {
      const order = CHANNEL_ORDERS[d.channelPerm[p]];
      for (let c = 0; c < 3; c++) s4[at(j, p, c)] = s3[at(j, p, order[c])];
    }
  return s4;
}
