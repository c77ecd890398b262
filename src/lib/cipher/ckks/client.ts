/**
 * The client side of encrypted inference (the browser's worker or the CLI):
 * makes the CKKS keys, encrypts class-token features, decrypts logits.
 *
 * The secret key never leaves this object: there is no method that returns it.
 * The public key is made only because SEAL's Encryptor needs one to be
 * constructed; it is not exported either (the client encrypts symmetrically).
 * The server gets `evaluationKeys()`: Galois keys for exactly the rotation steps
 * of the head's layout (galoisSteps), and no relinearisation keys (a plaintext
 * weight multiply needs none).
 *
 * Ciphertexts are seeded symmetric encryptions (SEAL's Serializable: the
 * uniformly random half of each ciphertext is replaced by its PRNG seed) and
 * zstd-compressed: about 116 KB for one ciphertext at N = 8192.
 *
 * What the server learns from these bytes: nothing about the features, under
 * CKKS' IND-CPA security (RLWE), beyond their count and the head shape.
 * Decrypted logits must never go back to the server without noise flooding (a
 * CKKS decryption leaks the secret key to whoever sees it and the ciphertext:
 * Li and Micciancio, 2021); in this slice nothing goes back at all.
 * Isomorphic: takes an already-loaded SEAL library (src/platform/node/seal.ts, src/platform/browser/seal.ts).
 */
import type { Decryptor } from 'node-seal/implementation/decryptor';
import type { Encryptor } from 'node-seal/implementation/encryptor';
import {
  ciphertextCount,
  ckksLayout,
  galoisSteps,
  packFeatures,
  unpackLogits,
  type CkksLayout,
  type HeadShape,
} from './layout';
import { createCkksContext, SCALE, SLOTS, type CkksContext, type Seal } from './params';
import { sealScope } from './scope';

/** Encrypted features of a batch, as they travel: the head shape, the image count, one byte string per ciphertext. */
export interface EncryptedBatch extends HeadShape {
  count: number;
  ciphertexts: Uint8Array[];
}

export interface CkksClient {
  readonly layout: CkksLayout;
  /** Galois keys for the layout's rotations, serialised (seeded, zstd): all the server needs. */
  evaluationKeys(): Uint8Array;
  /** Features [count][F] -> ciphertexts, `layout.imagesPerCiphertext` images each. */
  encrypt(features: ArrayLike<number>[]): EncryptedBatch;
  /** Encrypted logits from the server -> logits [count][C]. Throws on bytes that are not a valid ciphertext. */
  decrypt(logits: EncryptedBatch): Float64Array[];
  /** Frees every SEAL object, the secret key's included. */
  dispose(): void;
}

export function createCkksClient(seal: Seal, shape: HeadShape): CkksClient {
  const layout = ckksLayout(shape, SLOTS);
  const ctx = createCkksContext(seal);
  try {
    const { scope } = ctx;
    const keygen = scope.keep(seal.KeyGenerator(ctx.context));
    const secretKey = scope.keep(keygen.secretKey());
    const publicKey = scope.keep(keygen.createPublicKey());
    const encryptor = scope.keep(seal.Encryptor(ctx.context, publicKey, secretKey));
    const decryptor = scope.keep(seal.Decryptor(ctx.context, secretKey));
    const galois = sealScope((s) =>
      s
        .keep(keygen.createGaloisKeysSerializable(Int32Array.from(galoisSteps(layout))))
        .saveArray(seal.ComprModeType.zstd),
    );
    return new Client(ctx, layout, encryptor, decryptor, galois);
  } catch (e) {
    ctx.dispose();
    throw e;
  }
}

class Client implements CkksClient {
  constructor(
    private readonly ctx: CkksContext,
    readonly layout: CkksLayout,
    private readonly encryptor: Encryptor,
    private readonly decryptor: Decryptor,
    private readonly galois: Uint8Array,
  ) {}

  evaluationKeys(): Uint8Array {
    return this.galois.slice();
  }

  encrypt(features: ArrayLike<number>[]): EncryptedBatch {
    const { seal, encoder } = this.ctx;
    const ciphertexts = Array.from({ length: ciphertextCount(this.layout, features.length) }, (_, i) =>
      sealScope((s) => {
        const plain = s.keep(encoder.encode(packFeatures(this.layout, features, i), SCALE));
        return s.keep(this.encryptor.encryptSymmetricSerializable(plain)).saveArray(seal.ComprModeType.zstd);
      }),
    );
    return { features: this.layout.features, classes: this.layout.classes, count: features.length, ciphertexts };
  }

  decrypt(logits: EncryptedBatch): Float64Array[] {
    const { layout } = this;
    if (logits.features !== layout.features || logits.classes !== layout.classes) {
      throw new Error('these logits are for another head shape');
    }
    if (logits.ciphertexts.length !== ciphertextCount(layout, logits.count)) {
      throw new Error(
        `${logits.count} images need ${ciphertextCount(layout, logits.count)} ciphertexts; got ${logits.ciphertexts.length}`,
      );
    }
    const { seal, context, encoder } = this.ctx;
    return logits.ciphertexts.flatMap((bytes, i) =>
      sealScope((s) => {
        const ct = s.keep(seal.CipherText());
        ct.loadArray(context, bytes);
        const slots = encoder.decode(s.keep(this.decryptor.decrypt(ct)));
        const n = Math.min(layout.imagesPerCiphertext, logits.count - i * layout.imagesPerCiphertext);
        return unpackLogits(layout, slots, n);
      }),
    );
  }

  dispose(): void {
    this.ctx.dispose();
  }
}
