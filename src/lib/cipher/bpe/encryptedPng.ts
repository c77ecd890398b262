/**
 * The encrypted-image file: a lossless PNG of the BPE image plus one text chunk
 * `cipherscan` = {"scheme":"bpe-v1","imageSize":200,"blockSize":25,"check":"…"}.
 * The key-check value lets decryption say "wrong key" instead of showing noise.
 * The chunk never holds patient data or key material (the check is an HMAC tag).
 * The check is the key file's fixed one, unlike the per-package salted check of
 * the AES packages: BPE uses one block permutation for every image under a key
 * (that is what lets a model adapt to the key), so images under one key are
 * linkable by their ciphertext anyway, and a salted check would hide nothing.
 */
import { checkImageSize } from '../../decode/limits';
import { decodeRgbPng, encodeRgbPng } from '../../image/png';
import type { RgbImage } from '../../image/rgb';
import { assertKeyCheck, type CipherKey } from '../../keys/key';
import { BPE_VERSION, checkGeometry, type BpeGeometry } from './plan';

export const ENCRYPTED_PNG_CHUNK = 'cipherscan';

export interface EncryptedImageHeader extends BpeGeometry {
  scheme: typeof BPE_VERSION;
  check: string;
}

export function encodeEncryptedPng(image: RgbImage, key: CipherKey, geometry: BpeGeometry): Uint8Array {
  const header: EncryptedImageHeader = {
    scheme: BPE_VERSION,
    imageSize: geometry.imageSize,
    blockSize: geometry.blockSize,
    check: key.check,
  };
  return encodeRgbPng(image, { [ENCRYPTED_PNG_CHUNK]: JSON.stringify(header) });
}

/** Reads an encrypted PNG; checks the key when the header is present (a bare PNG is accepted with the default geometry). */
export function decodeEncryptedPng(
  bytes: Uint8Array,
  key?: Pick<CipherKey, 'check'>,
): { image: RgbImage; header?: EncryptedImageHeader } {
  const { image, text } = decodeRgbPng(bytes, checkImageSize);
  const raw = text[ENCRYPTED_PNG_CHUNK];
  if (!raw) return { image };
  const header = parseHeader(raw);
  if (key) assertKeyCheck(key, header.check);
  return { image, header };
}

/**
 * The header is someone else's text: every field is checked for its type, and the geometry against the
 * bounds a plan may be made for (checkGeometry), before anything is drawn or allocated from it.
 */
function parseHeader(raw: string): EncryptedImageHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('the encrypted image header is damaged');
  }
  const h = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<Record<string, unknown>>;
  if (h.scheme !== BPE_VERSION)
    throw new Error(`this image was encrypted with ${String(h.scheme)}; this app reads ${BPE_VERSION}`);
  const { imageSize, blockSize, check } = h;
  if (typeof imageSize !== 'number' || typeof blockSize !== 'number' || typeof check !== 'string')
    throw new Error('the encrypted image header is damaged');
  try {
    checkGeometry({ imageSize, blockSize });
  } catch (err) {
    throw new Error(`the encrypted image header names a geometry this app refuses: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { scheme: BPE_VERSION, imageSize, blockSize, check };
}
