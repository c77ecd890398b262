/**
 * Where each number sits in a CKKS ciphertext's slots for the encrypted linear
 * head, and the plaintext diagonals the server multiplies by. Pure arithmetic on
 * Float64Arrays: no SEAL object, so the layout is tested on its own.
 *
 * The method is the "hybrid" diagonal method (GAZELLE, Juvekar et al. 2018) for
 * y = xW + b with W [F, C], laid out so one ciphertext serves one image or a
 * batch:
 *
 * * F is padded to F' = C * 2^m (zero weights on the padding), so that the final
 *   sum is a tree of power-of-two rotations.
 * * Each image owns a block of L = F' + C - 1 slots: x_0 .. x_{F'-1}, then
 *   x_0 .. x_{C-2} again (the wrap-around the diagonals read). Blocks follow each
 *   other, floor(slots / L) images per ciphertext (31 for F = 128, C = 4 at
 *   N = 8192; 41 for F = 96, C = 3).
 * * Server, per ciphertext: for each j < C, multiply by the plaintext D_j
 *   (D_j[j + k] = W[(k + j) mod F', k mod C] in every block), rescale, rotate by
 *   j and add; then add rotations by C, 2C, .., F'/2. Slot c of each block
 *   then holds sum_f x_f W[f, c]; the bias is added there.
 *
 * Rotations happen after the one rescale, on the smallest modulus, where they are
 * cheapest: (C - 1) + log2(F'/C) of them per ciphertext, so the Galois keys are
 * exactly those steps (galoisSteps). Never puts anything but zeros outside the
 * blocks, and never reads a block's slots other than 0 .. C-1 as results: the
 * other slots hold partial sums.
 */

export interface HeadShape {
  /** feature width F (class token / pooled features) */
  features: number;
  /** number of classes C */
  classes: number;
}

export interface CkksLayout extends HeadShape {
  /** F' = C * 2^m >= F */
  padded: number;
  /** slots per image block, F' + C - 1 */
  block: number;
  /** images in one ciphertext */
  imagesPerCiphertext: number;
  /** slots per ciphertext (N / 2) */
  slots: number;
}

export function ckksLayout(shape: HeadShape, slots: number): CkksLayout {
  const { features, classes } = shape;
  if (!Number.isInteger(features) || features < 1 || !Number.isInteger(classes) || classes < 1) {
    throw new Error(`a linear head needs positive integer sizes; got F = ${features}, C = ${classes}`);
  }
  let groups = 1;
  while (groups * classes < features) groups *= 2;
  const padded = groups * classes;
  const block = padded + classes - 1;
  const imagesPerCiphertext = Math.floor(slots / block);
  if (imagesPerCiphertext < 1) {
    throw new Error(`a head with F = ${features}, C = ${classes} needs ${block} slots; a ciphertext has ${slots}`);
  }
  return { features, classes, padded, block, imagesPerCiphertext, slots };
}

/** The rotation steps the server needs: 1 .. C-1, then C, 2C, .., F'/2. Nothing else gets a Galois key. */
export function galoisSteps(layout: CkksLayout): number[] {
  const steps: number[] = [];
  for (let j = 1; j < layout.classes; j++) steps.push(j);
  for (let s = layout.classes; s < layout.padded; s *= 2) steps.push(s);
  return [...new Set(steps)].sort((a, b) => a - b);
}

/** How many ciphertexts a batch of `count` images takes. */
export function ciphertextCount(layout: CkksLayout, count: number): number {
  return Math.ceil(count / layout.imagesPerCiphertext);
}

/** Slot values of ciphertext `index` of a batch: each image's features in its block, with the wrap. */
export function packFeatures(layout: CkksLayout, features: ArrayLike<number>[], index: number): Float64Array {
  const out = new Float64Array(layout.slots);
  const first = index * layout.imagesPerCiphertext;
  const last = Math.min(features.length, first + layout.imagesPerCiphertext);
  for (let i = first; i < last; i++) {
    const x = features[i];
    if (x.length !== layout.features) {
      throw new Error(`image ${i} has ${x.length} features; the head takes ${layout.features}`);
    }
    const base = (i - first) * layout.block;
    for (let f = 0; f < layout.features; f++) {
      const v = x[f];
      if (!Number.isFinite(v)) throw new Error(`image ${i} has a non-finite feature at ${f}`);
      out[base + f] = v;
    }
    // the wrap: slots F' .. F'+C-2 repeat features 0 .. C-2 (zero where they are padding)
    for (let k = 0; k < layout.classes - 1; k++) out[base + layout.padded + k] = k < layout.features ? x[k] : 0;
  }
  return out;
}

/** Logits of the images in one decrypted ciphertext (slot values), `count` of them. */
export function unpackLogits(layout: CkksLayout, slots: ArrayLike<number>, count: number): Float64Array[] {
  if (count > layout.imagesPerCiphertext)
    throw new Error(`a ciphertext holds at most ${layout.imagesPerCiphertext} images`);
  return Array.from({ length: count }, (_, i) =>
    Float64Array.from({ length: layout.classes }, (_, c) => slots[i * layout.block + c]),
  );
}

/**
 * The server's plaintext diagonal D_j, repeated in every block: slot j + k of a
 * block holds W[(k + j) mod F', k mod C] for k < F' (rows >= F are zero).
 * `weights` is W row-major [F, C].
 */
export function diagonal(layout: CkksLayout, weights: ArrayLike<number>, j: number): Float64Array {
  const { padded, classes, features, block } = layout;
  const one = new Float64Array(block);
  for (let k = 0; k < padded; k++) {
    const f = (k + j) % padded;
    one[j + k] = f < features ? weights[f * classes + (k % classes)] : 0;
  }
  const out = new Float64Array(layout.slots);
  for (let b = 0; b < layout.imagesPerCiphertext; b++) out.set(one, b * block);
  return out;
}

/** The bias at slots 0 .. C-1 of every block. */
export function biasSlots(layout: CkksLayout, bias: ArrayLike<number>): Float64Array {
  const out = new Float64Array(layout.slots);
  for (let b = 0; b < layout.imagesPerCiphertext; b++) {
    for (let c = 0; c < layout.classes; c++) out[b * layout.block + c] = bias[c];
  }
  return out;
}

/**
 * What the server computes, on plain slot vectors (rotation = shift left with
 * wrap-around, as SEAL's rotateVector): the reference the layout test checks
 * against the plain head, and the picture of the encrypted evaluation.
 */
export function evaluateOnSlots(
  layout: CkksLayout,
  slots: Float64Array,
  weights: ArrayLike<number>,
  bias: ArrayLike<number>,
): Float64Array {
  const rotate = (v: Float64Array, s: number) => Float64Array.from(v, (_, i) => v[(i + s) % v.length]);
  let z = new Float64Array(layout.slots);
  for (let j = 0; j < layout.classes; j++) {
    const d = diagonal(layout, weights, j);
    const p = rotate(
      Float64Array.from(slots, (v, i) => v * d[i]),
      j,
    );
    z = z.map((v, i) => v + p[i]);
  }
  for (let s = layout.classes; s < layout.padded; s *= 2) {
    const r = rotate(z, s);
    z = z.map((v, i) => v + r[i]);
  }
  const b = biasSlots(layout, bias);
  return z.map((v, i) => v + b[i]);
}
