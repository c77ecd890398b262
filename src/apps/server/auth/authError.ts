/**
 * The one error sign-in code throws. Routes map it to 401 with a fixed sentence; the
 * `code` says whether to ask the user to sign in again (`expired`) or to refuse
 * (`invalid`). The message is for server logs and tests and never carries a token,
 * a signature or a key.
 */
export type AuthErrorCode = 'expired' | 'invalid';

export class AuthError extends Error {
  override name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}
