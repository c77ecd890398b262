/**
 * The CKKS parameters of encrypted inference, and the SEAL context both sides
 * build from them (the client and the server must agree; nothing here is secret).
 *
 * * Scheme CKKS, ring degree N = 8192: 4096 real slots per ciphertext.
 * * Coefficient modulus 60 + 40 + 60 bits = 160 bits. The HE standard
 *   (Albrecht et al. 2018, ternary secret, sigma 3.2) allows at most 218 bits at
 *   N = 8192 for 128-bit classical security; SEAL checks it: the context is built
 *   with SecurityLevel.tc128 and refused if not valid.
 *   - 60-bit q0: the last data prime; holds results at scale 2^40 with 19 bits to
 *     spare (|logit| < 2^19).
 *   - 40-bit q1: dropped by the one rescale after the plaintext-weight multiply.
 *     This chain has depth exactly one: a linear head, or a sum, and no more.
 *   - 60-bit special prime: key switching for rotations only.
 * * Scale 2^40 for features and weights: encoding and fresh-noise error about
 *   1e-9 relative, far below the 1e-4 logit bound.
 * Must never: take a weaker security level or a longer chain without rewriting
 * this header and docs/ARCHITECTURE.md (Protection schemes).
 */
import type { SEALLibrary } from 'node-seal/implementation/seal';
import type { Context } from 'node-seal/implementation/context';
import type { CKKSEncoder } from 'node-seal/implementation/ckks-encoder';
import type { Evaluator } from 'node-seal/implementation/evaluator';
import { SealScope } from './scope';

export type Seal = SEALLibrary;

export const CKKS_PARAMETERS = {
  scheme: 'ckks',
  polyModulusDegree: 8192,
  coeffModulusBits: [60, 40, 60],
  scaleBits: 40,
  security: '128-bit classical (HE standard; SEAL SecurityLevel.tc128)',
} as const;

export const SCALE = 2 ** CKKS_PARAMETERS.scaleBits;
export const SLOTS = CKKS_PARAMETERS.polyModulusDegree / 2;

/** A SEAL context with its encoder and evaluator, freed together by `dispose()`. */
export interface CkksContext {
  readonly seal: Seal;
  readonly context: Context;
  readonly encoder: CKKSEncoder;
  readonly evaluator: Evaluator;
  /** the scope that owns the context; owners of longer-lived objects may keep theirs here */
  readonly scope: SealScope;
  dispose(): void;
}

export function createCkksContext(seal: Seal): CkksContext {
  const scope = new SealScope();
  try {
    const parms = scope.keep(seal.EncryptionParameters(seal.SchemeType.ckks));
    parms.setPolyModulusDegree(CKKS_PARAMETERS.polyModulusDegree);
    parms.setCoeffModulus(
      scope.keep(
        seal.CoeffModulus.Create(CKKS_PARAMETERS.polyModulusDegree, Int32Array.from(CKKS_PARAMETERS.coeffModulusBits)),
      ),
    );
    const context = scope.keep(seal.Context(parms, true, seal.SecurityLevel.tc128));
    if (!context.parametersSet()) throw new Error('SEAL refused the CKKS parameters at 128-bit security');
    const encoder = scope.keep(seal.CKKSEncoder(context));
    if (encoder.slotCount !== SLOTS) throw new Error(`expected ${SLOTS} CKKS slots, SEAL gives ${encoder.slotCount}`);
    const evaluator = scope.keep(seal.Evaluator(context));
    return { seal, context, encoder, evaluator, scope, dispose: () => scope.dispose() };
  } catch (e) {
    scope.dispose();
    throw e;
  }
}
