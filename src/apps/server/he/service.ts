/**
 * Encrypted inference on the server (docs/server.md "Encrypted inference",
 * DESIGN.md §9): a shipped model's linear head, held in plain, applied to CKKS
 * ciphertexts of class-token features with the client's Galois keys. The server
 * holds no secret key, no public key and no decryptor: it cannot read a feature or
 * a logit. Decrypted logits never come back (no route takes them), so no noise
 * flooding is needed on this path.
 *
 * SEAL is loaded on first use, not at startup, so the server starts fast. Two
 * instances: the evaluating one (the sessions' heads live there) and a disposable
 * one that checks and re-saves every byte string from the wire first
 * (quarantine.ts). Every SEAL object a request makes is deleted before it answers
 * (CkksHead.apply scopes them); a session's own objects when it ends (sessions.ts).
 * SEAL work is synchronous, and the session lookup and the evaluation happen in one
 * synchronous stretch, so no other request can end a session while it is in use.
 */
import {
  CKKS_PARAMETERS,
  ckksLayout,
  createCkksHead,
  galoisSteps,
  SLOTS,
  type CkksHead,
  type Seal,
} from '../../../lib/cipher/ckks';
import { decodeHeFrame, encodeHeFrame, HE_PARAMETER_ID, type HeSession } from '../../../lib/serverClient/he';
import type { ShippedHeads } from './heads';
import { HeInputError, Quarantine, type SealFactory } from './quarantine';
import { DEFAULT_HE_SESSION_LIMITS, HeSessions, type HeSessionLimits } from './sessions';

export { HeInputError } from './quarantine';

/** Most ciphertexts in one infer request (each up to 31–41 images): bounds the time one request holds the CPU. */
export const MAX_CIPHERTEXTS_PER_REQUEST = 16;
/** A seeded zstd ciphertext is about 116 KB; an unseeded uncompressed one 262 KB. */
export const MAX_CIPHERTEXT_BYTES = 512 * 1024;
/** Galois keys of the shipped heads: about 2.9 MB (7–8 rotation steps). */
export const MAX_GALOIS_KEY_BYTES = 16 * 1024 * 1024;
export const MAX_INFER_BODY_BYTES = 16 + MAX_CIPHERTEXTS_PER_REQUEST * (4 + MAX_CIPHERTEXT_BYTES);

export class HeUnknownModelError extends Error {
  override name = 'HeUnknownModelError';
}
export class HeUnknownSessionError extends Error {
  override name = 'HeUnknownSessionError';
}

export interface HeServiceOptions {
  heads: ShippedHeads;
  /** the instance that evaluates (default: the process's node-seal, src/platform/node/seal.ts) */
  evaluatorSeal?: () => Promise<Seal>;
  /** fresh instances for the quarantine (default: node-seal's factory) */
  quarantineSeal?: SealFactory;
  limits?: Partial<HeSessionLimits>;
  now?: () => number;
}

export interface HeService {
  openSession(accountId: string, model: string, params: string, galoisKeys: Uint8Array): Promise<HeSession>;
  /** A CSHE frame of feature ciphertexts -> a CSHE frame of logit ciphertexts. */
  infer(accountId: string, sessionId: string, frame: Uint8Array): Promise<{ model: string; answer: Uint8Array }>;
  /** The model of the caller's session, or undefined (unknown, expired, another account's). */
  sessionModel(accountId: string, sessionId: string): string | undefined;
  endSession(accountId: string, sessionId: string): boolean;
  readonly sessions: HeSessions;
  close(): void;
}

export function createHeService(options: HeServiceOptions): HeService {
  // imported on first use: node-seal's module alone takes about half a second to load
  const evaluatorSeal = options.evaluatorSeal ?? (async () => (await import('../../../platform/node/seal')).loadSeal());
  const quarantine = new Quarantine(
    options.quarantineSeal ?? (async () => (await import('node-seal/throws_wasm_node_umd')).default()),
  );
  const now = options.now ?? Date.now;
  const sessions = new HeSessions({ ...DEFAULT_HE_SESSION_LIMITS, ...options.limits }, now);

  return {
    sessions,

    async openSession(accountId, model, params, galoisKeys) {
      const head = await options.heads.get(model);
      if (!head) throw new HeUnknownModelError(`no shipped model named ${model}`);
      if (params !== HE_PARAMETER_ID)
        throw new HeInputError(`these keys are for CKKS parameters ${params}; this server uses ${HE_PARAMETER_ID}`);
      const layout = ckksLayout(head, SLOTS);
      const keys = await quarantine.galoisKeys(galoisKeys, galoisSteps(layout));
      const seal = await evaluatorSeal();
      // from here to the answer: synchronous
      const prepared: CkksHead = createCkksHead(seal, head, keys);
      const diagonalBytes = layout.classes * (CKKS_PARAMETERS.coeffModulusBits.length - 1) * 2 * SLOTS * 8;
      const entry = sessions.add(accountId, model, prepared, keys.length + diagonalBytes);
      return {
        session: entry.id,
        model,
        params: HE_PARAMETER_ID,
        features: layout.features,
        classes: layout.classes,
        imagesPerCiphertext: layout.imagesPerCiphertext,
        expiresAt: new Date(entry.expiresAt).toISOString(),
      };
    },

    async infer(accountId, sessionId, body) {
      if (!sessions.use(accountId, sessionId)) throw new HeUnknownSessionError('no such session');
      const frame = decodeHeFrame(body, {
        maxCiphertexts: MAX_CIPHERTEXTS_PER_REQUEST,
        maxCiphertextBytes: MAX_CIPHERTEXT_BYTES,
      });
      const checked: Uint8Array[] = [];
      for (const c of frame.ciphertexts) checked.push(await quarantine.ciphertext(c));
      // looked up again after the awaits: the session may have ended meanwhile; from here on synchronous
      const entry = sessions.use(accountId, sessionId);
      if (!entry) throw new HeUnknownSessionError('no such session');
      const { layout } = entry.head;
      let logits;
      try {
        logits = entry.head.apply({
          features: layout.features,
          classes: layout.classes,
          count: frame.images,
          ciphertexts: checked,
        });
      } catch (err) {
        // the count does not match the ciphertexts (SEAL input was checked in quarantine)
        throw new HeInputError((err as Error).message);
      }
      return { model: entry.model, answer: encodeHeFrame({ images: logits.count, ciphertexts: logits.ciphertexts }) };
    },

    sessionModel(accountId, sessionId) {
      return sessions.use(accountId, sessionId)?.model;
    },

    endSession(accountId, sessionId) {
      return sessions.use(accountId, sessionId) ? sessions.end(sessionId) : false;
    },

    close() {
      sessions.endAll();
      quarantine.dispose();
    },
  };
}
