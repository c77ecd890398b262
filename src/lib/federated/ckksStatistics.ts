/**
 * CKKS for federated sufficient statistics (DESIGN.md §9): the hospitals' shared
 * key encrypts a vector of statistics into seeded symmetric ciphertexts (4096
 * slots each, the parameters of src/lib/cipher/ckks/params.ts: N = 8192,
 * 60+40+60 bits, scale 2^40, 128-bit); the aggregator adds ciphertexts and
 * nothing else; a hospital decrypts the sum.
 *
 * Who holds what. `HospitalKey` holds the CKKS secret key, which all hospitals
 * share (made by one, sent to the others wrapped with their account keys: that
 * wrapping is not built here, and this slice simulates all parties in one
 * process). The aggregator receives only `AggregatorInput`: the public CKKS
 * parameters (through the SEAL library) and ciphertext bytes; its type forbids
 * any key field, and it refuses at run time any input that is not a ciphertext
 * of these parameters. An addition needs no evaluation key at all.
 * What the aggregator learns: under CKKS' IND-CPA security, only the count and
 * length of the contributions. What a colluding hospital learns: everything the
 * aggregator holds, decrypted — every other hospital's individual A and B — since
 * it holds the same secret key. Decrypted sums never go back to the aggregator
 * (Li–Micciancio key recovery), so no noise flooding is needed on this path.
 */
import type { CipherText } from 'node-seal/implementation/cipher-text';
import type { Decryptor } from 'node-seal/implementation/decryptor';
import type { Encryptor } from 'node-seal/implementation/encryptor';
import { createCkksContext, SCALE, SLOTS, sealScope, type Seal } from '../cipher/ckks';

type CkksContext = ReturnType<typeof createCkksContext>;

/** One hospital's encrypted statistics as they travel: the vector length and one byte string per ciphertext. */
export interface EncryptedVector {
  length: number;
  ciphertexts: Uint8Array[];
}

/** Everything the aggregator is given. Key fields are typed `never`: passing a key does not compile. */
export interface AggregatorInput {
  contributions: EncryptedVector[];
  secretKey?: never;
  decryptor?: never;
  key?: never;
}

export const ciphertextsFor = (length: number): number => Math.ceil(length / SLOTS);

/** The hospitals' shared CKKS key (one secret key, made by one hospital). */
export interface HospitalKey {
  encrypt(values: ArrayLike<number>): EncryptedVector;
  decrypt(vector: EncryptedVector): Float64Array;
  /**
   * The secret key's bytes, for handing to another hospital (wrapped with its
   * account key across machines; inside one page, from worker to worker).
   * Never to an aggregator, a server or a log.
   */
  exportSecretKey(): Uint8Array;
  dispose(): void;
}

/**
 * A new key, or (`secretKey`: SEAL's serialised SecretKey, as a CKKS key file holds it)
 * the key another hospital made and sent sealed to this one.
 */
export function createHospitalKey(seal: Seal, secretKeyBytes?: Uint8Array): HospitalKey {
  const ctx = createCkksContext(seal);
  try {
    let secretKey;
    if (secretKeyBytes) {
      secretKey = ctx.scope.keep(seal.SecretKey());
      secretKey.loadArray(ctx.context, secretKeyBytes);
    }
    const keygen = ctx.scope.keep(
      secretKey ? seal.KeyGenerator(ctx.context, secretKey) : seal.KeyGenerator(ctx.context),
    );
    secretKey ??= ctx.scope.keep(keygen.secretKey());
    const publicKey = ctx.scope.keep(keygen.createPublicKey());
    const encryptor = ctx.scope.keep(seal.Encryptor(ctx.context, publicKey, secretKey));
    const decryptor = ctx.scope.keep(seal.Decryptor(ctx.context, secretKey));
    const kept = secretKey;
    return new SharedKey(ctx, encryptor, decryptor, () => kept.saveArray(seal.ComprModeType.zstd));
  } catch (e) {
    ctx.dispose();
    throw e;
  }
}

class SharedKey implements HospitalKey {
  constructor(
    private readonly ctx: CkksContext,
    private readonly encryptor: Encryptor,
    private readonly decryptor: Decryptor,
    readonly exportSecretKey: () => Uint8Array,
  ) {}

  encrypt(values: ArrayLike<number>): EncryptedVector {
    const { seal, encoder } = this.ctx;
    const ciphertexts = Array.from({ length: ciphertextsFor(values.length) }, (_, i) =>
      sealScope((s) => {
        const slots = new Float64Array(SLOTS);
        for (let k = 0; k < SLOTS && i * SLOTS + k < values.length; k++) slots[k] = values[i * SLOTS + k];
        const plain = s.keep(encoder.encode(slots, SCALE));
        return s.keep(this.encryptor.encryptSymmetricSerializable(plain)).saveArray(seal.ComprModeType.zstd);
      }),
    );
    return { length: values.length, ciphertexts };
  }

  decrypt(vector: EncryptedVector): Float64Array {
    const { seal, context, encoder } = this.ctx;
    const out = new Float64Array(vector.length);
    vector.ciphertexts.forEach((bytes, i) =>
      sealScope((s) => {
        const ct = s.keep(seal.CipherText());
        ct.loadArray(context, bytes);
        const slots = encoder.decode(s.keep(this.decryptor.decrypt(ct)));
        for (let k = 0; k < SLOTS && i * SLOTS + k < vector.length; k++) out[i * SLOTS + k] = slots[k];
      }),
    );
    return out;
  }

  dispose(): void {
    this.ctx.dispose();
  }
}

/**
 * The aggregator: the slot-wise sum of the hospitals' encrypted vectors, on
 * ciphertext only. Every input is hostile: each must load as a ciphertext of
 * these parameters, at the first level, at the encoding scale, of size 2.
 */
export function aggregate(seal: Seal, input: AggregatorInput): EncryptedVector {
  const extra = Object.keys(input).filter((k) => k !== 'contributions');
  if (extra.length > 0) throw new Error(`the aggregator takes ciphertexts only; refused field(s): ${extra.join(', ')}`);
  const { contributions } = input;
  if (contributions.length === 0) throw new Error('nothing to aggregate');
  const { length } = contributions[0];
  const count = ciphertextsFor(length);
  for (const c of contributions) {
    if (c.length !== length || c.ciphertexts.length !== count)
      throw new Error('contributions differ in length: not the same statistics');
  }
  const ctx = createCkksContext(seal);
  try {
    const ciphertexts = Array.from({ length: count }, (_, i) =>
      sealScope((s) => {
        let acc: CipherText | undefined;
        for (const c of contributions) {
          const ct = s.keep(seal.CipherText());
          ct.loadArray(ctx.context, c.ciphertexts[i]);
          if (ct.size !== 2 || ct.coeffModulusSize !== 2 || ct.scale !== SCALE)
            throw new Error('a contribution is not a fresh ciphertext under the CKKS parameters');
          if (acc) ctx.evaluator.add(acc, ct, acc);
          else acc = ct;
        }
        return acc!.saveArray(seal.ComprModeType.zstd);
      }),
    );
    return { length, ciphertexts };
  } finally {
    ctx.dispose();
  }
}
