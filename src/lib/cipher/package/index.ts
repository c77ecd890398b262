/**
 * AES package of the full-resolution original (ARCHITECTURE.md §1): lossless JPEG 2000
 * + de-identified metadata, AES-256-GCM. Plus the AES-CBC comparison for the
 * attack view. The browser and the CLI import from here.
 */
export {
  packImage,
  packImageDetailed,
  packFramesDetailed,
  unpackImage,
  packageFootprint,
  MAX_PACKAGE_RAW_BYTES,
  type PackedImage,
  type PackageFootprint,
} from './aesGcmPackage';
export {
  packCbcForComparison,
  unpackCbcForComparison,
  demonstrateBitFlip,
  type BitFlipDemonstration,
} from './aesCbcComparison';
export { PackageRefusedError, type RefusalReason } from './format';
export { FrameNotInPackageError } from './content';
export type { UnpackedImage, UnpackedPackage } from './content';
export type { PackageMetadata, DisplayRecipe } from './metadata';
export type { RawSamples } from './rawSamples';
export { packFile, type PackedFile } from './packFile';
