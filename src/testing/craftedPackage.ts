/**
 * Packages crafted below the public pack API, for tests of what a reader does
 * with a package someone else made: the content is built as packImage builds it,
 * then its metadata JSON is rewritten (bypassing the writer's allow-list) and the
 * result encrypted and authenticated exactly as a real package, so the reader
 * cannot tell it from one.
 *
 * Must never: be imported by product code (it writes packages the app never would).
 */
import { asBuffer } from '../lib/bytes/bytes';
import { packContent, writeFrames } from '../lib/cipher/package/content';
import { FORMAT_VERSION, GCM_IV_BYTES, GCM_TAG_BYTES, keyCheckFor, writeHeader } from '../lib/cipher/package/format';
import { readPayload, writePayload, type Payload } from '../lib/cipher/package/payload';
import type { DecodedImage } from '../lib/decode/types';
import { type CipherKey, deriveSubkey, randomBytes } from '../lib/keys/key';

/** A one-frame version-3 package whose metadata is `edit(metadata)`, encrypted under `key`. */
export async function packWithMetadata(
  decoded: DecodedImage,
  key: CipherKey,
  edit: (metadata: Record<string, unknown>) => Record<string, unknown>,
): Promise<Uint8Array> {
  return packWithPayload(decoded, key, (payload) => ({
    ...payload,
    metadataJson: JSON.stringify(edit(JSON.parse(payload.metadataJson) as Record<string, unknown>)),
  }));
}

/** A one-frame version-3 package whose content (metadata JSON and segments) is `edit(content)`. */
export async function packWithPayload(
  decoded: DecodedImage,
  key: CipherKey,
  edit: (payload: Payload) => Payload,
): Promise<Uint8Array> {
  const { plaintext: content } = await packContent(decoded);
  const plaintext = writeFrames([writePayload(edit(readPayload(content)))], 0);
  return sealPlaintext(plaintext, key);
}

/** Any plaintext (a frame list, damaged or not), encrypted and authenticated as a version-3 package. */
export async function sealPlaintext(plaintext: Uint8Array, key: CipherKey): Promise<Uint8Array> {
  const iv = randomBytes(GCM_IV_BYTES);
  const header = writeHeader({
    version: FORMAT_VERSION,
    cipher: 'aes-256-gcm',
    keyCheck: await keyCheckFor(key, iv, FORMAT_VERSION),
    iv,
    plaintextLength: plaintext.length,
    ciphertextLength: plaintext.length + GCM_TAG_BYTES,
  });
  const aes = await crypto.subtle.importKey(
    'raw',
    asBuffer(await deriveSubkey(key, 'aesGcm')),
    { name: 'AES-GCM' },
    false,
    ['encrypt'],
  );
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: asBuffer(iv), additionalData: asBuffer(header), tagLength: GCM_TAG_BYTES * 8 },
      aes,
      asBuffer(plaintext),
    ),
  );
  const pkg = new Uint8Array(header.length + ciphertext.length);
  pkg.set(header);
  pkg.set(ciphertext, header.length);
  return pkg;
}
