/**
 * The AES-256-GCM package: the full-resolution original, every frame of it,
 * lossless, encrypted and authenticated, for storing and sending (ARCHITECTURE.md §1, §5).
 * Works on Uint8Array in and out, so the browser and the CLI share it.
 *
 * Key: HKDF sub-key 'aesGcm' of the user's key. IV: 12 fresh random bytes per
 * package. Additional data: the whole header. Layout: format.ts and
 * docs/package-format.md.
 *
 * Must never: return any part of a package that fails authentication, reuse an
 * IV, or log key bytes or pixels.
 */
import type { DecodedImage } from '../../decode/types';
import { asBuffer } from '../../bytes/bytes';
import { assertKeyUsable, type CipherKey, deriveAesSubkey, randomBytes } from '../../keys/key';
import {
  FrameNotInPackageError,
  openFrameList,
  packContent,
  unpackFrames,
  writeFrames,
  MAX_PACKAGE_FRAMES,
  type FrameChoice,
  type UnpackedPackage,
} from './content';
import {
  assertPackageKey,
  FORMAT_VERSION,
  GCM_IV_BYTES,
  GCM_TAG_BYTES,
  keyCheckFor,
  PackageRefusedError,
  readHeader,
  writeHeader,
} from './format';
import { rawByteLength, layoutOf } from './rawSamples';

export interface PackedImage {
  /** the package file */
  pkg: Uint8Array;
  /** frames it holds */
  frames: number;
  rawBytes: number;
  jpeg2000Bytes: number;
  displayBytes: number;
  metadataBytes: number;
}

export interface PackageFootprint {
  /** the file as loaded (DICOM / PNG / JPEG) */
  originalBytes: number;
  /** the raw stored samples of the packed frames */
  rawBytes: number;
  /** the lossless JPEG 2000 codestream(s) of those samples */
  jpeg2000Bytes: number;
  /** the whole package file: header, JPEG 2000, display recipe, metadata, GCM tag */
  packageBytes: number;
  displayBytes: number;
  metadataBytes: number;
  /** packageBytes / originalBytes */
  packageToOriginal: number;
  /** rawBytes / jpeg2000Bytes */
  compressionRatio: number;
}

// One non-extractable AES key per CipherKey object, so unpacking many packages does not re-run HKDF.
const gcmKeys = new WeakMap<CipherKey, Promise<CryptoKey>>();

function gcmKeyFor(key: CipherKey): Promise<CryptoKey> {
  assertKeyUsable(key); // a cached CryptoKey must not outlive a wiped key
  let k = gcmKeys.get(key);
  if (!k) {
    // derived straight into a non-extractable CryptoKey: no sub-key bytes in script memory
    k = deriveAesSubkey(key, 'aesGcm', 'AES-GCM');
    gcmKeys.set(key, k);
  }
  return k;
}

/** Where the frames to pack come from: decoded one at a time, so a long series is never all in memory at once. */
export interface FrameSource {
  count: number;
  /** the frame the user was looking at: the one shown on opening */
  shown: number;
  frame(k: number): Promise<DecodedImage>;
}

/** More frames or samples than one package takes: pack fewer frames (packFile 'chosen-frame', CLI --one-frame). */
export class PackageTooLargeError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'PackageTooLargeError';
  }
}

/** Raw samples a package may hold (all frames): past this the page would hold several copies of gigabytes. */
export const MAX_PACKAGE_RAW_BYTES = 1 << 30;

/**
 * Packs frames of a file: each as lossless JPEG 2000 + metadata (content.ts),
 * in a frame list, AES-256-GCM. `version` 2 (one frame, no frame list) only to
 * test readers of older packages.
 */
export async function packFramesDetailed(
  source: FrameSource,
  key: CipherKey,
  version = FORMAT_VERSION,
): Promise<PackedImage> {
  if (source.count < 1 || source.count > MAX_PACKAGE_FRAMES)
    throw new PackageTooLargeError(`a package holds 1 to ${MAX_PACKAGE_FRAMES} frames; this file has ${source.count}`);
  if (version < 3 && source.count !== 1) throw new Error(`format ${version} holds one frame`);
  const contents: Uint8Array[] = [];
  const totals = { rawBytes: 0, jpeg2000Bytes: 0, displayBytes: 0, metadataBytes: 0 };
  for (let k = 0; k < source.count; k++) {
    const decoded = await source.frame(k);
    if (k === 0 && decoded.raw) {
      const total = rawByteLength(layoutOf(decoded.raw)) * source.count;
      if (total > MAX_PACKAGE_RAW_BYTES)
        throw new PackageTooLargeError(
          `this file's ${source.count} frames hold ${(total / 2 ** 20).toFixed(0)} MiB of samples, more than a package takes (${MAX_PACKAGE_RAW_BYTES / 2 ** 20} MiB)`,
        );
    }
    const content = await packContent(decoded);
    contents.push(content.plaintext);
    for (const f of Object.keys(totals) as Array<keyof typeof totals>) totals[f] += content[f];
  }
  const plaintext = version < 3 ? contents[0] : writeFrames(contents, source.shown);
  const iv = randomBytes(GCM_IV_BYTES);
  const header = writeHeader({
    version,
    cipher: 'aes-256-gcm',
    keyCheck: await keyCheckFor(key, iv, version),
    iv,
    plaintextLength: plaintext.length,
    ciphertextLength: plaintext.length + GCM_TAG_BYTES,
  });
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: asBuffer(iv), additionalData: asBuffer(header), tagLength: GCM_TAG_BYTES * 8 },
      await gcmKeyFor(key),
      asBuffer(plaintext),
    ),
  );
  const pkg = new Uint8Array(header.length + ciphertext.length);
  pkg.set(header);
  pkg.set(ciphertext, header.length);
  return { pkg, frames: source.count, ...totals };
}

/** Packs one decoded frame (the one chosen) as a one-frame package. */
export async function packImageDetailed(decoded: DecodedImage, key: CipherKey): Promise<PackedImage> {
  return packFramesDetailed({ count: 1, shown: 0, frame: async () => decoded }, key);
}

/** Packs the chosen frame of a decoded file: lossless JPEG 2000 + metadata, AES-256-GCM. */
export async function packImage(decoded: DecodedImage, key: CipherKey): Promise<Uint8Array> {
  return (await packImageDetailed(decoded, key)).pkg;
}

/**
 * Opens a package. Refuses (PackageRefusedError) a wrong key, any changed,
 * missing or extra byte, and returns nothing partial. Decodes one frame: the one
 * to show first, the one at `position` in the package's frame list, or the file's
 * frame number `frame` (FrameNotInPackageError when the package lacks it).
 */
export async function unpackImage(
  pkg: Uint8Array,
  key: CipherKey,
  options: FrameChoice = {},
): Promise<UnpackedPackage> {
  const { header, headerBytes, ciphertext } = readHeader(pkg, 'aes-256-gcm');
  if (header.ciphertextLength !== header.plaintextLength + GCM_TAG_BYTES)
    throw new PackageRefusedError('altered', 'lengths in the header disagree');
  // The key-check value lets us say "wrong key" instead of a generic failure; it is authenticated too.
  await assertPackageKey(header, key);
  let plaintext: Uint8Array;
  try {
    plaintext = new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: asBuffer(header.iv),
          additionalData: asBuffer(headerBytes),
          tagLength: GCM_TAG_BYTES * 8,
        },
        await gcmKeyFor(key),
        asBuffer(ciphertext),
      ),
    );
  } catch {
    throw new PackageRefusedError('altered', 'authentication failed');
  }
  if (plaintext.length !== header.plaintextLength)
    throw new PackageRefusedError('altered', 'decrypted length differs from the header');
  try {
    // versions 1 and 2: one frame's content, no frame list
    if (header.version! >= 3) return await unpackFrames(plaintext, { ...options, verifyChecksum: true });
    return await openFrameList([plaintext], 0, { ...options, verifyChecksum: true });
  } catch (err) {
    if (err instanceof FrameNotInPackageError) throw err;
    // Authentic but unreadable: made by other software, or a bug. Still refuse, and say why.
    throw new PackageRefusedError('unreadable', `${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Storage numbers for one file: as loaded, raw samples, JPEG 2000, package. */
export function packageFootprint(originalBytes: number, packed: PackedImage): PackageFootprint {
  const packageBytes = packed.pkg.length;
  return {
    originalBytes,
    rawBytes: packed.rawBytes,
    jpeg2000Bytes: packed.jpeg2000Bytes,
    packageBytes,
    displayBytes: packed.displayBytes,
    metadataBytes: packed.metadataBytes,
    packageToOriginal: round3(packageBytes / originalBytes),
    compressionRatio: round3(packed.rawBytes / packed.jpeg2000Bytes),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
