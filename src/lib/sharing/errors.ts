/**
 * The one refusal every check on shared (downloaded, uploaded) material ends in.
 * Everything that arrives from the server or from another account is hostile
 * input: a check either passes completely or throws this, and nothing partial is
 * returned. The message is one sentence for people; `reason` is for code (the
 * server maps it to a status, the page to a notice). Never put key bytes or
 * package content in a message.
 */

export type SharingRefusalReason =
  /** not the shape the contract says (bad base64, missing or extra fields, wrong types) */
  | 'malformed'
  /** over a size limit of the contract (JWS 16 KiB, JWE 4 KiB, package limit) */
  | 'too-large'
  /** an algorithm, type or encryption other than the contract's (alg confusion) */
  | 'wrong-algorithm'
  /** the record's signature does not verify with the owner's key */
  | 'bad-signature'
  /** made for another study */
  | 'wrong-study'
  /** made by, or bound to, another owner */
  | 'wrong-owner'
  /** an older (or otherwise unexpected) record version: rollback or replay */
  | 'wrong-version'
  /** the package bytes are not the ones the record was signed for */
  | 'package-mismatch'
  /** the reader list does not match, or does not contain this account */
  | 'not-a-reader'
  /** the wrapped content key does not open with this account's key */
  | 'key-unwrap-failed';

export class SharingRefusedError extends Error {
  readonly reason: SharingRefusalReason;
  constructor(reason: SharingRefusalReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SharingRefusedError';
    this.reason = reason;
  }
}
