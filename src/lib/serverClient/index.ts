/**
 * The CipherScan server's HTTP client (docs/server.md), shared by the page and the
 * CLI. Everything it sends is ciphertext, public keys or signatures.
 */
export { createServerClient, type ServerClient, type ServerClientOptions, type FetchLike } from './client';
export { ServerError, ServerUnreachableError, ServerProtocolError } from './errors';
export { encodeStowBody, BUNDLE_MEDIA_TYPE, type MultipartBody } from './multipart';
export { studySummariesFromDicomJson, dicomDateTimeToIso, type StudySummary } from './dicomJson';
export { signChallenge, serverOrigin, type SigningKey } from './challenge';
export * from './types';
export {
  heSession,
  heInfer,
  heEndSession,
  encodeHeFrame,
  decodeHeFrame,
  HeFrameError,
  HE_PARAMETER_ID,
  HE_MEDIA_TYPE,
  type HeSession,
  type HeServer,
  type HeCallOptions,
  type HeInferResult,
  type HeFrame,
  type HeFrameLimits,
} from './he';
export {
  createFederatedNetwork,
  getFederatedNetwork,
  putSealedSeatKey,
  getSealedSeatKey,
  contributeToRound,
  awaitRoundSum,
  FEDERATED_LIMITS,
  type FederatedNetwork,
  type FederatedNetworkRequest,
  type FederatedNetworkStatus,
  type FederatedCallOptions,
  type RoundState,
  type RoundStatus,
  type RoundSum,
} from './federated';
