/**
 * Encrypted inference on the server (docs/server.md "Encrypted inference", DESIGN.md
 * §9), client side and wire format, shared by the CLI, the page and the server:
 *
 * * `heSession` sends the client's CKKS Galois keys for one shipped model's head
 *   (`POST /api/he/sessions?model=NAME&params=ID`, body the key bytes); the server
 *   keeps them for a while and answers a session id.
 * * `heInfer` sends CKKS ciphertexts of class-token features in one frame and gets
 *   the logits' ciphertexts back in the same frame format.
 *
 * The frame (binary, little-endian): "CSHE" | u8 version = 1 | u32 images | u32 n |
 * n × (u32 length | ciphertext bytes). The image count is what the server learns
 * beyond the ciphertexts' own count.
 *
 * What travels is ciphertext and evaluation keys only: the CKKS secret key stays
 * with the caller. Decrypted logits never go back to the server — there is no route
 * that takes them — so no noise flooding is needed on this path (Li–Micciancio key
 * recovery needs a decryption the attacker sees).
 */
import { CKKS_PARAMETERS, type EncryptedBatch } from '../cipher/ckks';
import { authorizedCall, readJson, type AuthorizedCallOptions, type SignedInServer } from './authorizedCall';
import { ServerProtocolError } from './errors';

/** Names the CKKS parameters both sides must share; a server refuses keys made for others. */
export const HE_PARAMETER_ID = `ckks-n${CKKS_PARAMETERS.polyModulusDegree}-q${CKKS_PARAMETERS.coeffModulusBits.join(
  '.',
)}-s${CKKS_PARAMETERS.scaleBits}-tc128`;

export const HE_MEDIA_TYPE = 'application/octet-stream';

const MAGIC = [0x43, 0x53, 0x48, 0x45]; // "CSHE"
const VERSION = 1;
const HEADER = 4 + 1 + 4 + 4;

/** A frame the reader refuses: short, trailing bytes, wrong magic, counts out of bounds. */
export class HeFrameError extends Error {
  override name = 'HeFrameError';
}

export interface HeFrame {
  images: number;
  ciphertexts: Uint8Array[];
}

export interface HeFrameLimits {
  maxCiphertexts: number;
  maxCiphertextBytes: number;
}

export function encodeHeFrame(frame: HeFrame): Uint8Array<ArrayBuffer> {
  const total = HEADER + frame.ciphertexts.reduce((n, c) => n + 4 + c.length, 0);
  const out = new Uint8Array(new ArrayBuffer(total));
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[4] = VERSION;
  view.setUint32(5, frame.images, true);
  view.setUint32(9, frame.ciphertexts.length, true);
  let at = HEADER;
  for (const c of frame.ciphertexts) {
    view.setUint32(at, c.length, true);
    out.set(c, at + 4);
    at += 4 + c.length;
  }
  return out;
}

/** Reads a frame; the ciphertexts are views into `bytes`. Every length is checked before it is used. */
export function decodeHeFrame(bytes: Uint8Array, limits: HeFrameLimits): HeFrame {
  if (bytes.length < HEADER || MAGIC.some((m, i) => bytes[i] !== m) || bytes[4] !== VERSION) {
    throw new HeFrameError('not a CipherScan ciphertext frame (CSHE version 1)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const images = view.getUint32(5, true);
  const n = view.getUint32(9, true);
  if (n < 1 || n > limits.maxCiphertexts)
    throw new HeFrameError(`a frame holds 1 to ${limits.maxCiphertexts} ciphertexts`);
  if (images < 1) throw new HeFrameError('a frame holds at least one image');
  const ciphertexts: Uint8Array[] = [];
  let at = HEADER;
  for (let i = 0; i < n; i++) {
    if (at + 4 > bytes.length) throw new HeFrameError('the frame ends inside a length');
    const length = view.getUint32(at, true);
    if (length < 1 || length > limits.maxCiphertextBytes)
      throw new HeFrameError(`a ciphertext has 1 to ${limits.maxCiphertextBytes} bytes`);
    if (at + 4 + length > bytes.length) throw new HeFrameError('the frame ends inside a ciphertext');
    ciphertexts.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (at !== bytes.length) throw new HeFrameError('trailing bytes after the last ciphertext');
  return { images, ciphertexts };
}

/** What the server answers for a new session: the head's shape, so the client can check its layout. */
export interface HeSession {
  session: string;
  model: string;
  params: string;
  features: number;
  classes: number;
  imagesPerCiphertext: number;
  expiresAt: string;
}

/** The server and the caller's session token; a ServerClient (after signIn) is one. */
export type HeServer = SignedInServer;

export type HeCallOptions = AuthorizedCallOptions;

/** Frame limits the client applies to answers (generous: the server's own limits are in docs/server.md). */
const ANSWER_LIMITS: HeFrameLimits = { maxCiphertexts: 1024, maxCiphertextBytes: 4 * 1024 * 1024 };

/** Opens an inference session for `model` with the client's Galois keys (CkksClient.evaluationKeys()). */
export async function heSession(
  server: HeServer,
  request: { model: string; galoisKeys: Uint8Array },
  options: HeCallOptions = {},
): Promise<HeSession> {
  const query = new URLSearchParams({ model: request.model, params: HE_PARAMETER_ID });
  const body = new Uint8Array(new ArrayBuffer(request.galoisKeys.length));
  body.set(request.galoisKeys);
  const response = await authorizedCall(
    server,
    `/api/he/sessions?${query}`,
    { method: 'POST', body, type: HE_MEDIA_TYPE, accept: 'application/json' },
    options,
  );
  return readJson<HeSession>(response, 'POST /api/he/sessions');
}

export interface HeInferResult {
  logits: EncryptedBatch;
  /** request and answer body sizes */
  bytesUp: number;
  bytesDown: number;
}

/** Sends encrypted features, returns the encrypted logits (decrypt them with the same CkksClient). */
export async function heInfer(
  server: HeServer,
  session: string,
  batch: EncryptedBatch,
  options: HeCallOptions = {},
): Promise<HeInferResult> {
  const body = encodeHeFrame({ images: batch.count, ciphertexts: batch.ciphertexts });
  const response = await authorizedCall(
    server,
    `/api/he/sessions/${encodeURIComponent(session)}/infer`,
    { method: 'POST', body, type: HE_MEDIA_TYPE, accept: HE_MEDIA_TYPE },
    options,
  );
  const answer = new Uint8Array(await response.arrayBuffer());
  let frame: HeFrame;
  try {
    frame = decodeHeFrame(answer, ANSWER_LIMITS);
  } catch (err) {
    throw new ServerProtocolError(`encrypted logits: ${(err as Error).message}`);
  }
  if (frame.images !== batch.count || frame.ciphertexts.length !== batch.ciphertexts.length) {
    throw new ServerProtocolError('encrypted logits for another number of images');
  }
  return {
    logits: { features: batch.features, classes: batch.classes, count: frame.images, ciphertexts: frame.ciphertexts },
    bytesUp: body.length,
    bytesDown: answer.length,
  };
}

/** Ends a session early: the server forgets the Galois keys now rather than at expiry. */
export async function heEndSession(server: HeServer, session: string, options: HeCallOptions = {}): Promise<void> {
  await authorizedCall(
    server,
    `/api/he/sessions/${encodeURIComponent(session)}`,
    { method: 'DELETE', accept: 'application/json' },
    options,
  );
}
