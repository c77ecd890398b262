/**
 * The one "open an encrypted PNG" use-case (docs/ARCHITECTURE.md, "Workers" and
 * "Trust boundaries"): the page (reading in its pipeline worker, decrypting on its
 * BPE engine) and the CLI (everything in place) go through the same rules, in this
 * order: the size from the IHDR before anything is inflated (a hostile PNG must not
 * be decoded to find out it is too big), the scheme and the key-check value of the
 * header, the geometry (header against pixels, and against what the reader
 * expects), then the plan and the decryption.
 *
 * Must never: show or return pixels of a file that failed a rule, or make a plan
 * for a key the caller no longer wants (`stillWanted`): a plan is key material.
 */
import type { RgbImage } from '../../image/rgb';
import { pngSize } from '../../image/png';
import type { CipherKey } from '../../keys/key';
import { decryptImage } from './bpe';
import { decodeEncryptedPng, type EncryptedImageHeader } from './encryptedPng';
import {
  BPE_VERSION,
  DEFAULT_BLOCK_SIZE,
  MAX_BPE_IMAGE_SIZE,
  checkGeometry,
  planForKey,
  type BpeGeometry,
  type BpePlan,
} from './plan';

/** What the reader accepts. The page fixes the geometry and wants the header; the CLI takes a bare PNG too. */
export interface EncryptedPngRules {
  /** the only geometry accepted (checked from the IHDR before decoding, and against the header) */
  geometry?: BpeGeometry;
  /** refuse a PNG without the CipherScan header (otherwise: square, default block size) */
  requireHeader?: boolean;
  /** who reads, in messages: "the page's encrypted images are 200 × 200" */
  reader?: string;
}

export interface ReadEncryptedPng {
  /** the encrypted pixels */
  image: RgbImage;
  header?: EncryptedImageHeader;
  /** the geometry the image is decrypted with (the header's, or the default for a bare PNG) */
  geometry: BpeGeometry;
}

export interface OpenedEncryptedPng {
  /** the decrypted pixels */
  image: RgbImage;
  header?: EncryptedImageHeader;
  geometry: BpeGeometry;
  scheme: typeof BPE_VERSION;
}

/** Where each step runs; the defaults do all of it in place on the CPU (CLI, tests). */
export interface OpenEncryptedPngSteps {
  /** reads and checks the file: `readEncryptedPng` here, or the same function in a worker */
  read?: (bytes: Uint8Array, keyCheck: string, rules: EncryptedPngRules) => Promise<ReadEncryptedPng>;
  plan?: (key: CipherKey, geometry: BpeGeometry) => Promise<BpePlan>;
  decrypt?: (plan: BpePlan, image: RgbImage) => Promise<Uint8Array>;
  /** false once the key was forgotten or replaced: the use-case stops between steps and returns undefined */
  stillWanted?: () => boolean;
}

const NOT_A_PNG = 'this file is not an encrypted image: it is not a PNG, or not a whole one';

const sameGeometry = (a: BpeGeometry, b: BpeGeometry) => a.imageSize === b.imageSize && a.blockSize === b.blockSize;

/**
 * Reads an encrypted PNG and checks it against the rules and the key's public check value (all a
 * worker needs to read it: the key itself is not).
 */
export function readEncryptedPng(bytes: Uint8Array, keyCheck: string, rules: EncryptedPngRules = {}): ReadEncryptedPng {
  const reader = rules.reader ?? 'this app';
  const size = pngSize(bytes);
  const expected = rules.geometry;
  if (expected && (size?.width !== expected.imageSize || size.height !== expected.imageSize))
    throw new Error(
      size
        ? `this image is ${size.width} × ${size.height}; ${reader}'s encrypted images are ${expected.imageSize} × ${expected.imageSize}`
        : NOT_A_PNG,
    );
  if (!size) throw new Error(NOT_A_PNG);
  if (size.width !== size.height)
    throw new Error(`an encrypted image is square; this one is ${size.width}x${size.height}`);
  // no plan is made for a larger side (plan.ts): refused before the pixels are inflated
  if (size.width > MAX_BPE_IMAGE_SIZE)
    throw new Error(
      `this image is ${size.width} × ${size.height}; encrypted images are at most ${MAX_BPE_IMAGE_SIZE} × ${MAX_BPE_IMAGE_SIZE}`,
    );
  const { image, header } = decodeEncryptedPng(bytes, { check: keyCheck });
  if (!header && rules.requireHeader)
    throw new Error('this PNG has no CipherScan header: it is not an encrypted image from this app');
  const geometry: BpeGeometry = header
    ? { imageSize: header.imageSize, blockSize: header.blockSize }
    : { imageSize: image.width, blockSize: expected?.blockSize ?? DEFAULT_BLOCK_SIZE };
  if (expected && !sameGeometry(geometry, expected))
    throw new Error(
      `this image uses ${geometry.imageSize}/${geometry.blockSize} geometry; ${reader} uses ${expected.imageSize}/${expected.blockSize}`,
    );
  if (image.width !== geometry.imageSize || image.height !== geometry.imageSize)
    throw new Error(
      `the header says ${geometry.imageSize} × ${geometry.imageSize} but the image is ${image.width} × ${image.height}`,
    );
  checkGeometry(geometry);
  return { image, header, geometry };
}

/** Read, plan, decrypt; undefined when `stillWanted` turned false on the way (nothing to show). */
export async function openEncryptedPng(
  bytes: Uint8Array,
  key: CipherKey,
  rules: EncryptedPngRules = {},
  steps: OpenEncryptedPngSteps = {},
): Promise<OpenedEncryptedPng | undefined> {
  const {
    read = async (b: Uint8Array, check: string, r: EncryptedPngRules) => readEncryptedPng(b, check, r),
    plan: makePlan = planForKey,
    decrypt = async (p: BpePlan, image: RgbImage) => decryptImage(p, image).data,
    stillWanted = () => true,
  } = steps;
  const { image, header, geometry } = await read(bytes, key.check, rules);
  // the read may have run elsewhere (a worker): its geometry is checked again here, before any plan
  checkGeometry(geometry);
  // forgotten while the file was read: no plan may be made (or put on a GPU) for it again
  if (!stillWanted()) return undefined;
  const plan = await makePlan(key, geometry);
  if (!stillWanted()) return undefined;
  // a plan made elsewhere (the page's cache has one geometry) must still fit the image
  if (!sameGeometry(plan, geometry))
    throw new Error(
      `this image uses ${geometry.imageSize}/${geometry.blockSize} geometry; ${rules.reader ?? 'this app'} uses ${plan.imageSize}/${plan.blockSize}`,
    );
  const data = await decrypt(plan, image);
  if (!stillWanted()) return undefined;
  return { image: { width: image.width, height: image.height, data }, header, geometry, scheme: plan.version };
}
