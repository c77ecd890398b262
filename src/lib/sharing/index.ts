/**
 * End-to-end sharing (docs/server.md "Keys and the shared-package format"):
 * account keys, account files, content keys wrapped per reader, signed record
 * headers, the upload/download bundle, and the use-cases that combine them.
 * Isomorphic: WebCrypto and jose only, bytes in and bytes out.
 */
export {
  generateAccountKeys,
  exportPublicJwk,
  exportPrivateJwk,
  parsePublicJwk,
  parsePrivateJwk,
  importPublicKey,
  importPrivateKey,
  jwkThumbprint,
  sameKey,
  KeyFormatError,
  type AccountKeys,
  type PublicJwk,
  type PrivateJwk,
  type KeyPurpose,
} from './accountKeys';
export {
  exportAccountFile,
  parseAccountFile,
  openAccountFile,
  isSealed,
  AccountFileError,
  SEALING_KEY_BYTES,
  type AccountFile,
  type AccountIdentity,
  type OpenedAccount,
} from './accountFile';
export {
  newContentKey,
  wrapContentKey,
  unwrapContentKey,
  inspectWrappedKey,
  CONTENT_KEY_BYTES,
  MAX_WRAPPED_KEY_CHARS,
  type WrapBinding,
} from './contentKey';
export {
  readersHash,
  signRecord,
  verifyRecord,
  decodeRecordUnverified,
  parseRecordHeader,
  isStudyUid,
  isAccountId,
  sha256Hex,
  RECORD_FIELDS,
  RECORD_TYP,
  MAX_RECORD_CHARS,
  type RecordHeader,
  type RecordExpectations,
} from './record';
export {
  encodeBundle,
  decodeBundle,
  BundleError,
  BUNDLE_MEDIA_TYPE,
  DEFAULT_MAX_PACKAGE_BYTES,
  type Bundle,
  type BundleLimits,
  type BundleProblem,
} from './bundle';
export {
  sealForUpload,
  reshareRecord,
  openDownloadedBundle,
  newStudyUid,
  type SealForUploadOptions,
  type PackagedStudy,
  type SealedUpload,
  type ReshareOptions,
  type OpenDownloadOptions,
  type OpenedDownload,
} from './sharedPackage';
export {
  acceptUpload,
  acceptRecordChange,
  type AcceptedUpload,
  type RecordChange,
  type RegisteredOwner,
} from './serverChecks';
export { SharingRefusedError, type SharingRefusalReason } from './errors';
