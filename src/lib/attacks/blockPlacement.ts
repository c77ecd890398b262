/**
 * Jigsaw step for the known-plaintext attack. Blocks that were identical in the
 * known image (typically black background) cannot be told apart by the pair, so
 * the recovered block permutation is only known up to swaps inside each such
 * group. In a target image those blocks may differ; this step places each
 * group's contents where their edges best continue the neighbouring blocks that
 * are certain (sum of absolute differences across the shared edge), greedily,
 * lowest cost first. It only rearranges whole blocks of an already decrypted
 * image; it uses no key.
 */
import type { RgbImage } from '../image/rgb';

function blockOrigin(k: number, perSide: number, B: number): [number, number] {
  return [(k % perSide) * B, Math.floor(k / perSide) * B];
}

/** Sum of |a - b| over the B pixels (3 channels) of two edges, each given by start pixel and step. */
function edgeCost(
  img: Uint8Array,
  W: number,
  a: [number, number],
  b: [number, number],
  dx: number,
  dy: number,
  B: number,
): number {
  let cost = 0;
  for (let t = 0; t < B; t++) {
    const pa = ((a[1] + dy * t) * W + a[0] + dx * t) * 3;
    const pb = ((b[1] + dy * t) * W + b[0] + dx * t) * 3;
    cost += Math.abs(img[pa] - img[pb]) + Math.abs(img[pa + 1] - img[pb + 1]) + Math.abs(img[pa + 2] - img[pb + 2]);
  }
  return cost;
}

/**
 * Cost of putting the block now at `contentBlock` into position `k`, measured
 * against k's neighbours that are not themselves open in `open`.
 */
function placementCost(
  img: Uint8Array,
  W: number,
  B: number,
  contentBlock: number,
  k: number,
  open: Set<number>,
): number {
  const perSide = W / B;
  const [cx, cy] = blockOrigin(contentBlock, perSide, B);
  const kx = k % perSide;
  const ky = Math.floor(k / perSide);
  let cost = 0;
  const neighbour = (nx: number, ny: number) =>
    nx < 0 || ny < 0 || nx >= perSide || ny >= perSide ? -1 : ny * perSide + nx;
  const left = neighbour(kx - 1, ky);
  if (left >= 0 && !open.has(left)) cost += edgeCost(img, W, [cx, cy], [(kx - 1) * B + B - 1, ky * B], 0, 1, B);
  const right = neighbour(kx + 1, ky);
  if (right >= 0 && !open.has(right)) cost += edgeCost(img, W, [cx + B - 1, cy], [(kx + 1) * B, ky * B], 0, 1, B);
  const up = neighbour(kx, ky - 1);
  if (up >= 0 && !open.has(up)) cost += edgeCost(img, W, [cx, cy], [kx * B, (ky - 1) * B + B - 1], 1, 0, B);
  const down = neighbour(kx, ky + 1);
  if (down >= 0 && !open.has(down)) cost += edgeCost(img, W, [cx, cy + B - 1], [kx * B, (ky + 1) * B], 1, 0, B);
  return cost;
}

/** Rearranges the blocks of each group of interchangeable positions to fit their certain neighbours. */
export function placeInterchangeableBlocks(
  decrypted: RgbImage,
  groups: readonly (readonly number[])[],
  blockSize: number,
): RgbImage {
  const W = decrypted.width;
  const B = blockSize;
  const perSide = W / B;
  const src = decrypted.data;
  const out = src.slice();
  for (const group of groups) {
    if (group.length < 2) continue;
    const open = new Set(group);
    const pairs: { cost: number; content: number; position: number }[] = [];
    for (const content of group)
      for (const position of group)
        pairs.push({ cost: placementCost(src, W, B, content, position, open), content, position });
    pairs.sort((a, b) => a.cost - b.cost || a.content - b.content || a.position - b.position);
    const contentDone = new Set<number>();
    const positionDone = new Set<number>();
    for (const { content, position } of pairs) {
      if (contentDone.has(content) || positionDone.has(position)) continue;
      contentDone.add(content);
      positionDone.add(position);
      if (content === position) continue;
      const [cx, cy] = blockOrigin(content, perSide, B);
      const [px, py] = blockOrigin(position, perSide, B);
      for (let r = 0; r < B; r++)
        out.set(src.subarray(((cy + r) * W + cx) * 3, ((cy + r) * W + cx + B) * 3), ((py + r) * W + px) * 3);
    }
  }
  return { width: W, height: decrypted.height, data: out };
}
