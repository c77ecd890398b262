/**
 * The server side of encrypted inference: a linear head held in plain by the
 * server, applied to CKKS-encrypted features, on ciphertext only (layout.ts for
 * the method). The server holds the head, the public parameters and the client's
 * Galois keys; never a secret key, never a decryptor, so it cannot read features
 * or logits. Under CKKS' IND-CPA security it learns the count of images and the
 * head shape, nothing else. It must never accept decrypted values back from a
 * client (Li-Micciancio key recovery); this slice has no such path.
 *
 * Every ciphertext from the wire is hostile: SEAL's loader checks that it is
 * valid for the parameters, and this module checks that it sits at the first
 * level with the encoding scale, so a crafted one cannot make the evaluation
 * read out of range. Isomorphic: takes an already-loaded SEAL library.
 */
import type { CipherText } from 'node-seal/implementation/cipher-text';
import type { GaloisKeys } from 'node-seal/implementation/galois-keys';
import type { PlainText } from 'node-seal/implementation/plain-text';
import type { EncryptedBatch } from './client';
import type { LinearHead } from './head';
import { biasSlots, ciphertextCount, ckksLayout, diagonal, type CkksLayout } from './layout';
import { CKKS_PARAMETERS, createCkksContext, SCALE, SLOTS, type CkksContext, type Seal } from './params';
import { sealScope, type SealScope } from './scope';

export interface CkksHead {
  readonly layout: CkksLayout;
  /** Encrypted features -> encrypted logits (same count, one ciphertext per input ciphertext). */
  apply(batch: EncryptedBatch): EncryptedBatch;
  /** Frees every SEAL object (keys, plaintext diagonals). */
  dispose(): void;
}

/** Prepares `head` for encrypted evaluation with a client's Galois keys (`CkksClient.evaluationKeys()`). */
export function createCkksHead(seal: Seal, head: LinearHead, galoisKeys: Uint8Array): CkksHead {
  const layout = ckksLayout(head, SLOTS);
  const ctx = createCkksContext(seal);
  try {
    const keys = ctx.scope.keep(seal.GaloisKeys());
    keys.loadArray(ctx.context, galoisKeys);
    // the diagonals are the same for every request: encoded once, at the first level
    const diagonals = Array.from({ length: layout.classes }, (_, j) =>
      ctx.scope.keep(ctx.encoder.encode(diagonal(layout, head.weights, j), SCALE)),
    );
    return new Head(ctx, layout, head, keys, diagonals);
  } catch (e) {
    ctx.dispose();
    throw e;
  }
}

class Head implements CkksHead {
  /** the bias at the result's level and scale, made on first use (the scale is 2^80 / q1, the same every time) */
  private bias: { plain: PlainText; scale: number } | undefined;

  constructor(
    private readonly ctx: CkksContext,
    readonly layout: CkksLayout,
    private readonly head: LinearHead,
    private readonly keys: GaloisKeys,
    private readonly diagonals: PlainText[],
  ) {}

  apply(batch: EncryptedBatch): EncryptedBatch {
    const { layout } = this;
    if (batch.features !== layout.features || batch.classes !== layout.classes) {
      throw new Error(
        `this head takes F = ${layout.features}, C = ${layout.classes}; got F = ${batch.features}, C = ${batch.classes}`,
      );
    }
    if (
      !Number.isInteger(batch.count) ||
      batch.count < 1 ||
      batch.ciphertexts.length !== ciphertextCount(layout, batch.count)
    ) {
      throw new Error(
        `${batch.count} images need ${ciphertextCount(layout, batch.count)} ciphertexts; got ${batch.ciphertexts.length}`,
      );
    }
    const ciphertexts = batch.ciphertexts.map((bytes) => sealScope((s) => this.applyOne(s, bytes)));
    return { features: layout.features, classes: layout.classes, count: batch.count, ciphertexts };
  }

  private applyOne(s: SealScope, bytes: Uint8Array): Uint8Array {
    const { seal, context, evaluator: ev } = this.ctx;
    const ct = s.keep(seal.CipherText());
    ct.loadArray(context, bytes);
    const levels = CKKS_PARAMETERS.coeffModulusBits.length - 1;
    if (ct.size !== 2 || ct.coeffModulusSize !== levels || ct.scale !== SCALE) {
      throw new Error('this ciphertext is not a fresh encryption of features under the CKKS parameters');
    }
    let acc: CipherText | undefined;
    this.diagonals.forEach((d, j) => {
      const p = s.keep(ev.multiplyPlain(ct, d));
      ev.rescaleToNext(p, p);
      const r = j === 0 ? p : s.keep(ev.rotateVector(p, j, this.keys));
      if (acc) ev.add(acc, r, acc);
      else acc = r;
    });
    const sum = acc!;
    for (let step = this.layout.classes; step < this.layout.padded; step *= 2) {
      ev.add(sum, s.keep(ev.rotateVector(sum, step, this.keys)), sum);
    }
    ev.addPlain(sum, this.biasAt(sum.scale), sum);
    return sum.saveArray(seal.ComprModeType.zstd);
  }

  private biasAt(scale: number): PlainText {
    if (this.bias?.scale !== scale) {
      const plain = this.ctx.scope.keep(this.ctx.encoder.encode(biasSlots(this.layout, this.head.bias), scale));
      this.ctx.evaluator.plainModSwitchToNext(plain, plain);
      this.bias = { plain, scale };
    }
    return this.bias.plain;
  }

  dispose(): void {
    this.ctx.dispose();
  }
}
