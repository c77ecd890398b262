/**
 * The inversion attacker given what our server actually holds (docs/ARCHITECTURE.md
 * §8, §9): seeded CKKS ciphertexts of class tokens (encrypted inference) or of
 * summed statistics (federated rounds), the public parameters, Galois keys, and
 * no secret key. Under CKKS' IND-CPA security (RLWE) nothing computed from
 * those bytes predicts the features better than a guess made without them; the
 * attacker's best image is then its prior, the dataset's mean image.
 *
 * To measure rather than assert, this module also plays the naive attacker who
 * reads the ciphertext's first coefficients as if they were the token (scaled
 * to the mean and spread of class tokens of public images) and feeds that to
 * the token inversion (tokenInversion.ts). Its result should score no better
 * than the mean image. Needs SEAL injected, like lib/cipher/ckks.
 */
import { createCkksContext, sealScope, type Seal } from '../../cipher/ckks';

/** Class-token statistics of public images: what the attacker scales ciphertext coefficients to. */
export interface TokenPrior {
  mean: Float32Array;
  std: Float32Array;
}

export function tokenPrior(tokens: ArrayLike<number>[]): TokenPrior {
  const F = tokens[0].length;
  const mean = new Float32Array(F);
  const std = new Float32Array(F);
  for (const t of tokens) for (let d = 0; d < F; d++) mean[d] += t[d] / tokens.length;
  for (const t of tokens) for (let d = 0; d < F; d++) std[d] += (t[d] - mean[d]) ** 2 / tokens.length;
  for (let d = 0; d < F; d++) std[d] = Math.sqrt(std[d]);
  return { mean, std };
}

/**
 * The first coefficients of the ciphertext's first polynomial (mod the first
 * prime, as the server can read them after loading the bytes), mapped from
 * [0, q) to zero mean, unit variance, then onto the prior's scale.
 */
export function ciphertextAsToken(seal: Seal, ciphertext: Uint8Array, prior: TokenPrior): Float32Array {
  const ctx = createCkksContext(seal);
  try {
    const raw = sealScope((s) => {
      const ct = s.keep(seal.CipherText());
      ct.loadArray(ctx.context, ciphertext);
      return ct.saveArray(seal.ComprModeType.none);
    });
    // the coefficient data is the tail: 2 polynomials x (moduli left) x N words of 64 bits
    const N = 8192;
    const moduli = 2;
    const words = 2 * moduli * N;
    const start = raw.length - 8 * words;
    if (start < 0) throw new Error('not a ciphertext of these parameters');
    const view = new DataView(raw.buffer, raw.byteOffset + start, 8 * words);
    const F = prior.mean.length;
    const q = 2 ** 60;
    const token = new Float32Array(F);
    for (let d = 0; d < F; d++) {
      const u = Number(view.getBigUint64(8 * d, true)) / q - 0.5; // uniform on [-0.5, 0.5)
      token[d] = prior.mean[d] + prior.std[d] * u * Math.sqrt(12);
    }
    return token;
  } finally {
    ctx.dispose();
  }
}
