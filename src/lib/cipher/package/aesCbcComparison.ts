/**
 * COMPARISON ONLY. AES-256-CBC without authentication, as in the seed paper, kept
 * to show on screen why the app uses AES-GCM: a flipped ciphertext bit goes
 * through CBC decryption without complaint and silently corrupts the image,
 * while the GCM package refuses it.
 *
 * Must never: be the default, be offered for storing real data, or be used by
 * anything but the attack view, its CLI/bench counterpart and tests. It uses its
 * own magic ("CSCB") and its own sub-key ('aesCbc'), so a CBC file can never be
 * mistaken for a package, nor share a key with one.
 */
import type { DecodedImage } from '../../decode/types';
import type { RgbImage } from '../../image/rgb';
import { asBuffer } from '../../bytes/bytes';
import { assertKeyUsable, type CipherKey, deriveAesSubkey, randomBytes } from '../../keys/key';
import { packImageDetailed, unpackImage } from './aesGcmPackage';
import { ONE_FRAME_LIST_PREFIX, openFrameList, packContent, type FrameChoice, type UnpackedPackage } from './content';
import {
  assertPackageKey,
  CBC_IV_BYTES,
  headerLength,
  keyCheckFor,
  PackageRefusedError,
  readHeader,
  writeHeader,
} from './format';
import { rawBytes } from './rawSamples';

const cbcKeys = new WeakMap<CipherKey, Promise<CryptoKey>>();

function cbcKeyFor(key: CipherKey): Promise<CryptoKey> {
  assertKeyUsable(key); // a cached CryptoKey must not outlive a wiped key
  let k = cbcKeys.get(key);
  if (!k) {
    // derived straight into a non-extractable CryptoKey: no sub-key bytes in script memory
    k = deriveAesSubkey(key, 'aesCbc', 'AES-CBC');
    cbcKeys.set(key, k);
  }
  return k;
}

interface CbcPacked {
  pkg: Uint8Array;
  /** offset and length, inside the plaintext, of the first sample codestream */
  codestreamOffset: number;
  codestreamLength: number;
}

async function packCbcDetailed(decoded: DecodedImage, key: CipherKey): Promise<CbcPacked> {
  const content = await packContent(decoded);
  const iv = randomBytes(CBC_IV_BYTES);
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-CBC', iv: asBuffer(iv) },
      await cbcKeyFor(key),
      asBuffer(content.plaintext),
    ),
  );
  // one frame, no frame list: the format-2 layout (this file exists to show tampering, not to store)
  const header = writeHeader({
    version: 2,
    cipher: 'aes-256-cbc-comparison-only',
    keyCheck: await keyCheckFor(key, iv, 2),
    iv,
    plaintextLength: content.plaintext.length,
    ciphertextLength: ciphertext.length,
  });
  const pkg = new Uint8Array(header.length + ciphertext.length);
  pkg.set(header);
  pkg.set(ciphertext, header.length);
  // payload layout: u32 metadata length, metadata, u32 segment count, u32 first segment length, first segment
  const codestreamOffset = 4 + content.metadataBytes + 4 + 4;
  const codestreamLength = new DataView(content.plaintext.buffer).getUint32(codestreamOffset - 4, true);
  return { pkg, codestreamOffset, codestreamLength };
}

/** COMPARISON ONLY: the same content as packImage, encrypted with unauthenticated AES-256-CBC. */
export async function packCbcForComparison(decoded: DecodedImage, key: CipherKey): Promise<Uint8Array> {
  return (await packCbcDetailed(decoded, key)).pkg;
}

/**
 * COMPARISON ONLY: decrypts without any integrity check, like the seed paper. A
 * tampered file is refused only when the damage happens to break the padding or
 * the JPEG 2000 structure; otherwise altered pixels come back as if genuine.
 */
export async function unpackCbcForComparison(
  pkg: Uint8Array,
  key: CipherKey,
  options: FrameChoice = {},
): Promise<UnpackedPackage> {
  const { header, ciphertext } = readHeader(pkg, 'aes-256-cbc-comparison-only');
  await assertPackageKey(header, key);
  let plaintext: Uint8Array;
  try {
    plaintext = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-CBC', iv: asBuffer(header.iv) },
        await cbcKeyFor(key),
        asBuffer(ciphertext),
      ),
    );
  } catch {
    throw new Error('AES-CBC decryption failed (bad padding)');
  }
  // one frame, no frame list (the format-2 layout)
  return openFrameList([plaintext], 0, { ...options, verifyChecksum: false });
}

export interface BitFlipDemonstration {
  /** the flipped bit, as an offset into the CBC payload (the GCM flip hits the same codestream byte) */
  flipped: { ciphertextOffset: number; bit: number };
  /** 'refused' when GCM refused the package (it always should) */
  gcm: string;
  /** e.g. 'accepted: 37 bytes of the stored samples changed, image corrupted silently' */
  cbc: string;
  gcmRefused: boolean;
  gcmMessage?: string;
  cbcAccepted: boolean;
  /** bytes of the stored samples (2 per 16-bit sample) that CBC handed back changed */
  cbcChangedRawBytes: number;
  /** pixels of the display image with any channel changed (not channel values: a grey pixel counts once) */
  cbcChangedPixels: number;
  /** the display image CBC handed back, for the attack view */
  cbcImage?: RgbImage;
}

function countDifferentPixels(a: RgbImage, b: RgbImage): number {
  if (a.width !== b.width || a.height !== b.height) return Math.max(a.width * a.height, b.width * b.height);
  let n = 0;
  for (let i = 0; i < a.data.length; i += 3)
    if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2]) n++;
  return n;
}

function flipBit(pkg: Uint8Array, offset: number, bit: number): Uint8Array {
  const out = pkg.slice();
  out[offset] ^= 1 << bit;
  return out;
}

function countDifferent(a: Uint8Array, b: Uint8Array): number {
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
}

/**
 * Flips one ciphertext bit in a GCM package and in a CBC file of the same image
 * and reports what each mode does. The bit lies inside the image codestream
 * (`position` in [0, 1) along it, default the middle), not in the header, so the
 * comparison is about the cipher modes and not about header checks.
 */
export async function demonstrateBitFlip(
  decoded: DecodedImage,
  key: CipherKey,
  options: { position?: number; bit?: number } = {},
): Promise<BitFlipDemonstration> {
  const position = Math.min(Math.max(options.position ?? 0.5, 0), 0.999);
  const bit = (options.bit ?? 3) & 7;
  const cbc = await packCbcDetailed(decoded, key);
  const gcm = await packImageDetailed(decoded, key);
  // In CBC, changing ciphertext block k garbles plaintext block k and flips the same bit of block k+1.
  const ciphertextOffset = cbc.codestreamOffset + Math.floor(position * cbc.codestreamLength);

  let gcmRefused = false;
  let gcmMessage: string | undefined;
  try {
    // the GCM plaintext starts with a one-frame list (format 3): the same codestream byte lies that much further in
    await unpackImage(
      flipBit(gcm.pkg, headerLength('aes-256-gcm') + ONE_FRAME_LIST_PREFIX + ciphertextOffset, bit),
      key,
    );
  } catch (err) {
    gcmRefused = err instanceof PackageRefusedError;
    gcmMessage = err instanceof Error ? err.message : String(err);
  }

  const original = decoded.raw ? rawBytes(decoded.raw) : new Uint8Array(0);
  let cbcText: string;
  let cbcAccepted = false;
  let cbcChangedRawBytes = 0;
  let cbcChangedPixels = 0;
  let cbcImage: RgbImage | undefined;
  try {
    const opened = await unpackCbcForComparison(
      flipBit(cbc.pkg, headerLength('aes-256-cbc-comparison-only') + ciphertextOffset, bit),
      key,
    );
    cbcAccepted = true;
    cbcChangedRawBytes = countDifferent(rawBytes(opened.raw), original);
    cbcChangedPixels = countDifferentPixels(opened.image, decoded.image);
    cbcImage = opened.image;
    cbcText =
      cbcChangedRawBytes > 0
        ? `accepted: ${cbcChangedRawBytes} bytes of the stored samples changed, image corrupted silently`
        : 'accepted: the flip landed where it changed no sample this time, and CBC could not have told either way';
  } catch (err) {
    cbcText = `accepted by AES-CBC without complaint; the damage surfaced only later, in the image decoder (${err instanceof Error ? err.message : String(err)})`;
  }
  return {
    flipped: { ciphertextOffset, bit },
    gcm: gcmRefused ? 'refused' : `NOT refused (${gcmMessage ?? 'opened'})`,
    cbc: cbcText,
    gcmRefused,
    gcmMessage,
    cbcAccepted,
    cbcChangedRawBytes,
    cbcChangedPixels,
    cbcImage,
  };
}
