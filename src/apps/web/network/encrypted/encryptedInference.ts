/**
 * Encrypted inference of the loaded scan on the hospital server (issue 17, "The
 * page"), in the order `cli he infer` does it (src/apps/cli/commands/he.ts):
 * the class-token features and the local answer come from this device's model;
 * a CKKS key is made on the device (in a worker) and only its Galois keys go to
 * the server with the session; the features go up encrypted; the server applies
 * the model's head on ciphertext; the logits come back encrypted and are
 * decrypted on the device, then compared with the local logits.
 *
 * `ms` is encrypt + HTTP round trip + decrypt for one image (opening the session,
 * Galois keys up once, is `sessionMs` apart), as in the CLI.
 * Must never: send the secret key, a plain feature or a decrypted logit to the
 * server (nothing decrypted goes back, so no noise flooding is needed), or log any
 * of them.
 */
import type { EncryptedBatch, HeadShape } from '../../../../lib/cipher/ckks';
import { argmax, compareLogits } from '../../../../lib/diagnosis/compareLogits';
import { certaintyOfLogits, type Calibration, type ConfidenceVerdict } from '../../../../lib/diagnosis/abstention';
import { heEndSession, heInfer, heSession, type HeCallOptions, type HeServer } from '../../../../lib/serverClient';

/** The device's CKKS side (the HE worker; a CkksClient in tests): holds the secret key, never returns it. */
export interface CkksSide {
  /** makes a fresh key for this head shape; answers the Galois keys only */
  open(shape: HeadShape): Promise<{ galoisKeys: Uint8Array }>;
  encrypt(features: Float32Array): Promise<EncryptedBatch>;
  /** one image's logits */
  decrypt(batch: EncryptedBatch): Promise<Float64Array>;
  /** frees every SEAL object, the secret key's included */
  close(): Promise<void>;
}

/** What this device's model computed on the scan. */
export interface LocalAnswer {
  features: Float32Array;
  logits: number[];
  classIndex: number;
  /** the model's temperature and "Uncertain" threshold (absent: the model ships no threshold) */
  calibration?: Calibration;
}

export interface EncryptedDiagnosis {
  model: string;
  classes: string[];
  serverClassIndex: number;
  localClassIndex: number;
  agree: boolean;
  maxAbsLogitDiff: number;
  serverLogits: number[];
  localLogits: number[];
  /**
   * Whether the server's answer, decrypted here and read through the model's temperature, is sure
   * enough to give a class (absent where the model ships no threshold): when `uncertain`, the page
   * says "Uncertain — refer for review" before the class, as the local diagnosis does.
   */
  serverCertainty?: ConfidenceVerdict;
  /** the same verdict on this device's own logits (they agree to CKKS noise) */
  localCertainty?: ConfidenceVerdict;
  /** encrypt + round trip + decrypt, one image */
  ms: number;
  /** opening the session (Galois keys up) */
  sessionMs: number;
  galoisKeyBytes: number;
  bytesUp: number;
  bytesDown: number;
  ciphertextsUp: number;
  featureCount: number;
}

export async function diagnoseEncrypted(input: {
  model: string;
  classes: string[];
  local: LocalAnswer;
  server: HeServer;
  ckks: CkksSide;
  call?: HeCallOptions;
}): Promise<EncryptedDiagnosis> {
  const { model, classes, local, server, ckks, call } = input;
  const shape = { features: local.features.length, classes: classes.length };
  const { galoisKeys } = await ckks.open(shape);
  try {
    const t0 = performance.now();
    const session = await heSession(server, { model, galoisKeys }, call);
    const sessionMs = performance.now() - t0;
    try {
      if (session.features !== shape.features || session.classes !== shape.classes)
        throw new Error(`the server's ${model} head has another shape than this model: not the same model`);
      const t1 = performance.now();
      const sent = await ckks.encrypt(local.features);
      const answer = await heInfer(server, session.session, sent, call);
      const logits = await ckks.decrypt(answer.logits); // stays here: never sent back
      const ms = performance.now() - t1;
      const serverLogits = Array.from(logits);
      return {
        model,
        classes,
        serverClassIndex: argmax(serverLogits),
        localClassIndex: local.classIndex,
        ...compareLogits(serverLogits, local.logits),
        serverLogits,
        localLogits: [...local.logits],
        ...(local.calibration
          ? {
              serverCertainty: certaintyOfLogits(serverLogits, local.calibration),
              localCertainty: certaintyOfLogits(local.logits, local.calibration),
            }
          : {}),
        ms,
        sessionMs,
        galoisKeyBytes: galoisKeys.length,
        bytesUp: answer.bytesUp,
        bytesDown: answer.bytesDown,
        ciphertextsUp: sent.ciphertexts.length,
        featureCount: shape.features,
      };
    } finally {
      await heEndSession(server, session.session, call).catch(() => undefined);
    }
  } finally {
    await ckks.close();
  }
}
