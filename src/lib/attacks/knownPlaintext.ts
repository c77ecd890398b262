/**
 * Known-plaintext key recovery for bpe-v1 (ARCHITECTURE.md §3, the weakness the app
 * states openly). The in-block transforms are the same for every block, so one
 * plain image and its encryption reveal the key's whole effect:
 *
 * 1. Blocks: a block's multiset of folded values min(v, 255 - v) survives pixel
 *    scrambling, inversion and channel shuffling, so it identifies which plain
 *    block went to which encrypted slot (blockPerm).
 * 2. Elements: for each in-block element, the vector of its values across all
 *    identified blocks is (almost always) unique; an encrypted element's vector
 *    equals one plain element's vector (flip 0) or its complement (flip 1). That
 *    gives blockSrc and blockFlip.
 * 3. Ties (flat background, grey images whose R = G = B): candidates are kept
 *    and resolved as a bijection, preferring the plain pixel the element's
 *    siblings came from; blocks with the same folded histogram are resolved by
 *    decrypting them with the recovered map and comparing contents.
 * 4. Blocks that were identical in the known image (black background) stay
 *    interchangeable; in a target they are placed by edge continuity
 *    (blockPlacement.ts), using the target's own decrypted neighbours.
 *
 * The result decrypts any other image encrypted with the same key and geometry.
 * This module needs no key and never sees one; it only reads the pair.
 */
import type { RgbImage } from '../image/rgb';
import { type GatherMap, gather } from '../cipher/bpe/bpe';
import { invertPlan } from '../cipher/bpe/plan';
import { placeInterchangeableBlocks } from './blockPlacement';

export interface RecoveryQuality {
  /** slots whose plain block was identified with certainty (unique content), 0..1 */
  blocksIdentified: number;
  /** in-block elements whose source element and flip were unique from the pair, 0..1 */
  elementsUnique: number;
  /** in-block pixel positions whose source pixel and flips were unique (channel may be ambiguous where R = G = B), 0..1 */
  pixelsUnique: number;
  /** elements that found no candidate at all (should be 0 unless the pair does not match) */
  elementsUnmatched: number;
}

/** What the attacker learns: the same block-local map and block permutation a BpePlan holds. */
export interface RecoveredBpeMap {
  imageSize: number;
  blockSize: number;
  blockSrc: Uint32Array;
  blockFlip: Uint8Array;
  blockPerm: Uint32Array;
  /**
   * Groups of plain block positions whose contents were identical in the known
   * image: the pair cannot say which of them went where, so a target's blocks in
   * these positions are placed by edge continuity (blockPlacement.ts).
   */
  interchangeableBlocks: number[][];
  quality: RecoveryQuality;
}

function blocksOf(image: RgbImage, B: number): Uint8Array[] {
  const S = image.width;
  const perSide = S / B;
  const blocks: Uint8Array[] = [];
  for (let k = 0; k < perSide * perSide; k++) {
    const y0 = Math.floor(k / perSide) * B;
    const x0 = (k % perSide) * B;
    const block = new Uint8Array(B * B * 3);
    for (let r = 0; r < B; r++)
      block.set(image.data.subarray(((y0 + r) * S + x0) * 3, ((y0 + r) * S + x0 + B) * 3), r * B * 3);
    blocks.push(block);
  }
  return blocks;
}

function foldedSignature(block: Uint8Array): string {
  const hist = new Uint32Array(128);
  for (let i = 0; i < block.length; i++) hist[block[i] < 128 ? block[i] : 255 - block[i]]++;
  return hist.join(',');
}

function checkPair(plain: RgbImage, encrypted: RgbImage, B: number): void {
  if (plain.width !== plain.height || encrypted.width !== plain.width || encrypted.height !== plain.height) {
    throw new Error('the known plain image and its encryption must be the same square size');
  }
  if (!Number.isInteger(B) || B < 1 || plain.width % B !== 0)
    throw new Error(`image size ${plain.width} is not a multiple of block size ${B}`);
}

/** Plain block of each encrypted slot, plus which slots were certain. */
function matchBlocks(
  plainBlocks: Uint8Array[],
  encBlocks: Uint8Array[],
): { perm: Int32Array; certain: boolean[]; groups: number[][] } {
  const bySignature = new Map<string, number[]>();
  plainBlocks.forEach((b, k) => {
    const s = foldedSignature(b);
    bySignature.set(s, [...(bySignature.get(s) ?? []), k]);
  });
  const perm = new Int32Array(encBlocks.length).fill(-1);
  const certain = new Array<boolean>(encBlocks.length).fill(false);
  const slotsBySignature = new Map<string, number[]>();
  encBlocks.forEach((b, j) => {
    const s = foldedSignature(b);
    if (!bySignature.has(s)) {
      throw new Error(
        'the images do not form a plain/encrypted pair for this block size (an encrypted block matches no plain block)',
      );
    }
    slotsBySignature.set(s, [...(slotsBySignature.get(s) ?? []), j]);
  });
  const groups: number[][] = [];
  for (const [s, slots] of slotsBySignature) {
    const ks = bySignature.get(s)!;
    if (ks.length !== slots.length)
      throw new Error('the images do not form a plain/encrypted pair (block contents do not correspond one to one)');
    if (ks.length === 1) {
      perm[slots[0]] = ks[0];
      certain[slots[0]] = true;
    } else {
      // Provisional pairing; refined once the in-block map is known.
      slots.forEach((j, t) => (perm[j] = ks[t]));
      groups.push(slots);
    }
  }
  return { perm, certain, groups };
}

function vectorKey(blocks: Uint8Array[], slots: number[], element: number, complement: boolean): string {
  let s = '';
  for (const j of slots) s += String.fromCharCode(complement ? 255 - blocks[j][element] : blocks[j][element]);
  return s;
}

/** Candidates (source element * 2 + flip) for every encrypted element, from the slots used as evidence. */
function elementCandidates(
  plainBlocks: Uint8Array[],
  encBlocks: Uint8Array[],
  perm: Int32Array,
  evidence: number[],
  n: number,
): number[][] {
  const plainOfEvidence = evidence.map((j) => plainBlocks[perm[j]]);
  const index = new Map<string, number[]>();
  const all = evidence.map((_, t) => t);
  for (let s = 0; s < n; s++) {
    const key = vectorKey(plainOfEvidence, all, s, false);
    const list = index.get(key);
    if (list) list.push(s);
    else index.set(key, [s]);
  }
  const encOfEvidence = evidence.map((j) => encBlocks[j]);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const direct = index.get(vectorKey(encOfEvidence, all, i, false)) ?? [];
    const inverted = index.get(vectorKey(encOfEvidence, all, i, true)) ?? [];
    out.push([...direct.map((s) => s * 2), ...inverted.map((s) => s * 2 + 1)]);
  }
  return out;
}

/** Turn candidate lists into a bijection, preferring uniqueness, then the plain pixel of the element's siblings. */
function assignBijection(candidates: number[][], n: number): { src: Uint32Array; flip: Uint8Array } {
  const src = new Int32Array(n).fill(-1);
  const flip = new Uint8Array(n);
  const used = new Uint8Array(n);
  const take = (i: number, c: number) => {
    src[i] = c >> 1;
    flip[i] = c & 1;
    used[c >> 1] = 1;
  };
  const free = (i: number) => candidates[i].filter((c) => !used[c >> 1]);
  // Unit propagation: an element left with one free candidate takes it.
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < n; i++) {
      if (src[i] >= 0) continue;
      const f = free(i);
      if (f.length === 1) {
        take(i, f[0]);
        changed = true;
      }
    }
  }
  const siblingPixel = (i: number): number => {
    const q = Math.floor(i / 3) * 3;
    for (let t = q; t < q + 3; t++) if (src[t] >= 0) return Math.floor(src[t] / 3);
    return -1;
  };
  for (let i = 0; i < n; i++) {
    if (src[i] >= 0) continue;
    const f = free(i);
    if (f.length === 0) continue;
    const p = siblingPixel(i);
    take(i, f.find((c) => Math.floor((c >> 1) / 3) === p) ?? f[0]);
  }
  // Anything still open had no consistent candidate: give it a free source so
  // the map stays a permutation (decryption then misplaces only these values).
  for (let i = 0; i < n; i++) {
    if (src[i] >= 0) continue;
    const p = siblingPixel(i);
    let s = -1;
    if (p >= 0) for (let t = p * 3; t < p * 3 + 3 && s < 0; t++) if (!used[t]) s = t;
    if (s < 0) s = used.indexOf(0);
    take(i, s * 2);
  }
  return { src: Uint32Array.from(src), flip };
}

export function knownPlaintextAttack(plain: RgbImage, encrypted: RgbImage, blockSize: number): RecoveredBpeMap {
  checkPair(plain, encrypted, blockSize);
  const B = blockSize;
  const n = B * B * 3;
  const plainBlocks = blocksOf(plain, B);
  const encBlocks = blocksOf(encrypted, B);
  const { perm, certain, groups } = matchBlocks(plainBlocks, encBlocks);

  // Evidence: slots whose plain block is certain; without any, every slot (the
  // provisional pairing of equal-histogram blocks is still the best available).
  let evidence = certain.flatMap((c, j) => (c ? [j] : []));
  if (evidence.length === 0) evidence = encBlocks.map((_, j) => j);
  const candidates = elementCandidates(plainBlocks, encBlocks, perm, evidence, n);
  const { src, flip } = assignBijection(candidates, n);

  // Resolve blocks with equal folded histograms by decrypting them with the map.
  let resolved = 0;
  const interchangeableBlocks: number[][] = [];
  for (const slots of groups) {
    const members = slots.map((j) => perm[j]);
    const byContent = new Map<string, number[]>();
    for (const k of members) {
      const c = plainBlocks[k].join(',');
      byContent.set(c, [...(byContent.get(c) ?? []), k]);
    }
    for (const same of byContent.values()) if (same.length > 1) interchangeableBlocks.push(same);
    const open = new Set(members);
    const unassigned: number[] = [];
    for (const j of slots) {
      const guess = new Uint8Array(n);
      for (let i = 0; i < n; i++) guess[src[i]] = flip[i] ? 255 - encBlocks[j][i] : encBlocks[j][i];
      const exact = members.filter((k) => plainBlocks[k].every((v, t) => v === guess[t]));
      const pick = exact.find((k) => open.has(k));
      if (pick === undefined) {
        unassigned.push(j);
        continue;
      }
      perm[j] = pick;
      open.delete(pick);
      // Several identical plain blocks are interchangeable for the known image, but
      // not necessarily for another image: only a single exact match counts as identified.
      if (exact.length === 1) resolved++;
    }
    const rest = [...open];
    unassigned.forEach((j, t) => (perm[j] = rest[t]));
  }
  const blockPerm = Uint32Array.from(perm);
  if (new Set(blockPerm).size !== blockPerm.length)
    throw new Error('internal: recovered block permutation is not a permutation');

  let unique = 0;
  let unmatched = 0;
  let pixelsUnique = 0;
  for (let i = 0; i < n; i++) {
    if (candidates[i].length === 1) unique++;
    if (candidates[i].length === 0) unmatched++;
  }
  for (let q = 0; q < n / 3; q++) {
    const cands = [candidates[3 * q], candidates[3 * q + 1], candidates[3 * q + 2]];
    const pixels = new Set(cands.flat().map((c) => Math.floor((c >> 1) / 3)));
    // One source pixel and, for each element, one flip: only the channel may be open.
    const flipsKnown = cands.every((cs) => cs.length > 0 && new Set(cs.map((c) => c & 1)).size === 1);
    if (pixels.size === 1 && flipsKnown) pixelsUnique++;
  }
  const blocks = encBlocks.length;
  return {
    imageSize: plain.width,
    blockSize: B,
    blockSrc: src,
    blockFlip: flip,
    blockPerm,
    interchangeableBlocks,
    quality: {
      blocksIdentified: (certain.filter(Boolean).length + resolved) / blocks,
      elementsUnique: unique / n,
      pixelsUnique: pixelsUnique / (n / 3),
      elementsUnmatched: unmatched / n,
    },
  };
}

/** The whole-image encryption gather the recovered map stands for (same layout as BpePlan.src/flip). */
export function recoveredEncryptionMap(map: RecoveredBpeMap): GatherMap {
  const { imageSize: S, blockSize: B, blockSrc, blockFlip, blockPerm } = map;
  const n = B * B;
  const perSide = S / B;
  const src = new Uint32Array(S * S * 3);
  const flip = new Uint8Array(S * S * 3);
  for (let j = 0; j < perSide * perSide; j++) {
    const outY0 = Math.floor(j / perSide) * B;
    const outX0 = (j % perSide) * B;
    const inY0 = Math.floor(blockPerm[j] / perSide) * B;
    const inX0 = (blockPerm[j] % perSide) * B;
    for (let i = 0; i < n * 3; i++) {
      const p = Math.floor(i / 3);
      const q = Math.floor(blockSrc[i] / 3);
      const out = ((outY0 + Math.floor(p / B)) * S + outX0 + (p % B)) * 3 + (i % 3);
      src[out] = ((inY0 + Math.floor(q / B)) * S + inX0 + (q % B)) * 3 + (blockSrc[i] % 3);
      flip[out] = blockFlip[i];
    }
  }
  return { src, flip };
}

/**
 * Decrypts a second image encrypted with the same key, using only what the pair
 * revealed; blocks the pair could not tell apart are then placed by edge
 * continuity unless `placeBlocks` is false.
 */
export function decryptWithRecovered(
  map: RecoveredBpeMap,
  otherEncrypted: RgbImage,
  { placeBlocks = true } = {},
): RgbImage {
  if (otherEncrypted.width !== map.imageSize || otherEncrypted.height !== map.imageSize) {
    throw new Error(
      `the recovered map is for ${map.imageSize}x${map.imageSize} images; got ${otherEncrypted.width}x${otherEncrypted.height}`,
    );
  }
  const inverse = invertPlan(recoveredEncryptionMap(map));
  const decrypted = { width: map.imageSize, height: map.imageSize, data: gather(inverse, otherEncrypted.data) };
  return placeBlocks ? placeInterchangeableBlocks(decrypted, map.interchangeableBlocks, map.blockSize) : decrypted;
}
