/**
 * The CLI's CKKS key file (`he keygen --out he.json`, mode 0600) and a CKKS client
 * opened from it, for `he infer`. The file holds the CKKS secret key (SEAL's own
 * serialisation, zstd, base64) and the parameter id; it never leaves the device: the
 * server gets Galois keys only, made from it per head shape (they depend on the
 * head's rotations, so they are not stored).
 *
 * Why here and not src/lib/cipher/ckks/client.ts: that client makes a fresh secret
 * key and never exports it (the page keeps it in memory); a CLI needs one that
 * survives between runs. The encrypt/decrypt steps below are the library client's,
 * on the same layout functions. If the page later keeps a key too, this belongs in
 * the library (`createCkksClient(seal, shape, {secretKey})`).
 *
 * Must never: print the secret key, or send it (or anything decrypted) anywhere.
 */
import { createCkksContext, galoisSteps, SCALE, SLOTS, type Seal } from '../../../lib/cipher/ckks';
import type { CkksClient, EncryptedBatch } from '../../../lib/cipher/ckks';
import {
  ciphertextCount,
  ckksLayout,
  packFeatures,
  unpackLogits,
  type HeadShape,
} from '../../../lib/cipher/ckks/layout';
import { sealScope } from '../../../lib/cipher/ckks/scope';
import { HE_PARAMETER_ID } from '../../../lib/serverClient/he';

export const CKKS_KEY_FORMAT = 'cipherscan-ckks-key';

export interface CkksKeyFile {
  format: typeof CKKS_KEY_FORMAT;
  version: 1;
  params: string;
  createdAt: string;
  /** SEAL SecretKey, zstd, base64 */
  secretKey: string;
}

export class CkksKeyFileError extends Error {
  override name = 'CkksKeyFileError';
}

export function newCkksKeyFile(seal: Seal, now = new Date()): CkksKeyFile {
  const ctx = createCkksContext(seal);
  try {
    const keygen = ctx.scope.keep(seal.KeyGenerator(ctx.context));
    const secret = ctx.scope.keep(keygen.secretKey()).saveArray(seal.ComprModeType.zstd);
    return {
      format: CKKS_KEY_FORMAT,
      version: 1,
      params: HE_PARAMETER_ID,
      createdAt: now.toISOString(),
      secretKey: Buffer.from(secret).toString('base64'),
    };
  } finally {
    ctx.dispose();
  }
}

export function parseCkksKeyFile(text: string): CkksKeyFile {
  let file: Partial<CkksKeyFile>;
  try {
    file = JSON.parse(text) as Partial<CkksKeyFile>;
  } catch {
    throw new CkksKeyFileError('not a CKKS key file (not JSON)');
  }
  if (file?.format !== CKKS_KEY_FORMAT || file.version !== 1 || typeof file.secretKey !== 'string')
    throw new CkksKeyFileError('not a CKKS key file (make one with `he keygen --out he.json`)');
  if (file.params !== HE_PARAMETER_ID)
    throw new CkksKeyFileError(`this key is for CKKS parameters ${file.params}; this version uses ${HE_PARAMETER_ID}`);
  return file as CkksKeyFile;
}

/** A CKKS client for one head shape, under the file's secret key (library CkksClient interface). */
export function openCkksClient(seal: Seal, file: CkksKeyFile, shape: HeadShape): CkksClient {
  const layout = ckksLayout(shape, SLOTS);
  const ctx = createCkksContext(seal);
  try {
    const { scope, context, encoder } = ctx;
    const secretKey = scope.keep(seal.SecretKey());
    try {
      secretKey.loadArray(context, new Uint8Array(Buffer.from(file.secretKey, 'base64')));
    } catch {
      throw new CkksKeyFileError('the CKKS key file is damaged (SEAL refused its secret key)');
    }
    const keygen = scope.keep(seal.KeyGenerator(context, secretKey));
    // SEAL's Encryptor is constructed with a public key; encryption below is symmetric (seeded)
    const publicKey = scope.keep(keygen.createPublicKey());
    const encryptor = scope.keep(seal.Encryptor(context, publicKey, secretKey));
    const decryptor = scope.keep(seal.Decryptor(context, secretKey));
    const galois = sealScope((s) =>
      s
        .keep(keygen.createGaloisKeysSerializable(Int32Array.from(galoisSteps(layout))))
        .saveArray(seal.ComprModeType.zstd),
    );
    return {
      layout,
      evaluationKeys: () => galois.slice(),
      encrypt(features: ArrayLike<number>[]): EncryptedBatch {
        const ciphertexts = Array.from({ length: ciphertextCount(layout, features.length) }, (_, i) =>
          sealScope((s) => {
            const plain = s.keep(encoder.encode(packFeatures(layout, features, i), SCALE));
            return s.keep(encryptor.encryptSymmetricSerializable(plain)).saveArray(seal.ComprModeType.zstd);
          }),
        );
        return { features: layout.features, classes: layout.classes, count: features.length, ciphertexts };
      },
      decrypt(logits: EncryptedBatch): Float64Array[] {
        if (logits.features !== layout.features || logits.classes !== layout.classes)
          throw new Error('these logits are for another head shape');
        if (logits.ciphertexts.length !== ciphertextCount(layout, logits.count))
          throw new Error(`${logits.count} images need ${ciphertextCount(layout, logits.count)} ciphertexts`);
        return logits.ciphertexts.flatMap((bytes, i) =>
          sealScope((s) => {
            const ct = s.keep(seal.CipherText());
            ct.loadArray(context, bytes);
            const slots = encoder.decode(s.keep(decryptor.decrypt(ct)));
            const n = Math.min(layout.imagesPerCiphertext, logits.count - i * layout.imagesPerCiphertext);
            return unpackLogits(layout, slots, n);
          }),
        );
      },
      dispose: () => ctx.dispose(),
    };
  } catch (e) {
    ctx.dispose();
    throw e;
  }
}
