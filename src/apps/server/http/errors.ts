/**
 * The server's one error answer (docs/server.md, "HTTP API"): `{ error, message }`
 * with a 4xx, a machine code and one sentence for people; never a stack, a SQL
 * error, a token or a body. Every refusal in the routes is an HttpError, and the one
 * error handler (`errorAnswer`) maps everything else: the library's typed refusals
 * (BundleError, SharingRefusedError), the auth module's AuthError, and Fastify's own
 * errors (body too large, unsupported media type, schema validation, rate limit).
 * Anything not recognised is a 500 with a fixed sentence (and logged without detail
 * that could carry a secret).
 */
import type { FastifyError } from 'fastify';
import { BundleError } from '../../../lib/sharing/bundle';
import { SharingRefusedError } from '../../../lib/sharing/errors';
import { AuthError } from '../auth/authError';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * Unknown ids and ids the caller may not see get the same answer, byte for byte,
 * so a study's existence does not leak (docs/server.md).
 */
export const notFound = (): HttpError => new HttpError(404, 'not-found', 'not found');
export const unauthorized = (message = 'not signed in, or the session has expired: sign in again'): HttpError =>
  new HttpError(401, 'unauthorized', message);
export const forbidden = (message = 'this account may not do that'): HttpError =>
  new HttpError(403, 'forbidden', message);
/** A disabled account (off-boarded by the operator): every signed-in request and every sign-in. */
export const accountDisabled = (): HttpError =>
  new HttpError(403, 'account-disabled', "this account is disabled: ask your hospital's administrator");
export const conflict = (message: string): HttpError => new HttpError(409, 'conflict', message);
export const badRequest = (code: string, message: string): HttpError => new HttpError(400, code, message);

export interface ErrorAnswer {
  statusCode: number;
  body: { error: string; message: string };
}

/** A stale or replayed record version is a conflict (the client re-reads and retries); oversize is 413; the rest 400. */
const SHARING_STATUS: Partial<Record<SharingRefusedError['reason'], number>> = {
  'wrong-version': 409,
  'too-large': 413,
};

/** Fastify's own error codes and what they mean for a client. */
const FASTIFY_ERRORS: Record<string, { statusCode: number; error: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    statusCode: 413,
    error: 'too-large',
    message: 'the request is larger than the server accepts',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    statusCode: 415,
    error: 'unsupported-media-type',
    message: 'the request body has a type this route does not accept',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    statusCode: 400,
    error: 'truncated',
    message: 'the request body is shorter or longer than its Content-Length',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { statusCode: 400, error: 'bad-request', message: 'the request body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    statusCode: 400,
    error: 'bad-request',
    message: 'the request body is not valid JSON',
  },
  FST_ERR_CTP_EMPTY_TYPE: {
    statusCode: 415,
    error: 'unsupported-media-type',
    message: 'the request body has no content type',
  },
  FST_ERR_CTP_INVALID_TYPE: {
    statusCode: 415,
    error: 'unsupported-media-type',
    message: 'the request body has an invalid content type',
  },
};

/** The answer for any error a route or a hook throws. */
export function errorAnswer(err: unknown): ErrorAnswer {
  if (err instanceof HttpError) return answer(err.statusCode, err.code, err.message);
  if (err instanceof BundleError) return answer(err.status, `bad-bundle`, err.message);
  if (err instanceof SharingRefusedError) return answer(SHARING_STATUS[err.reason] ?? 400, err.reason, err.message);
  // The auth module's refusals (bad, expired or replayed token, signature, challenge): always 401, a fixed sentence
  // (its message is for logs and tests).
  if (err instanceof AuthError)
    return err.code === 'expired'
      ? answer(401, 'session-expired', 'the session has expired: sign in again')
      : answer(401, 'unauthorized', 'sign-in refused: not signed in, or the proof of identity is not valid');
  const e = err as Partial<FastifyError>;
  if (e?.code && e.code in FASTIFY_ERRORS) {
    const known = FASTIFY_ERRORS[e.code];
    return answer(known.statusCode, known.error, known.message);
  }
  if (e?.validation) return answer(400, 'bad-request', `the request is not valid: ${validationSentence(e)}`);
  if (e?.statusCode === 429) return answer(429, 'rate-limited', 'too many requests: wait a moment and try again');
  // Other 4xx Fastify errors (malformed URL, bad header): their code, a generic sentence.
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    return answer(e.statusCode, 'bad-request', 'the request was refused as malformed');
  return answer(500, 'internal', 'the server failed; nothing was changed by this request');
}

function answer(statusCode: number, error: string, message: string): ErrorAnswer {
  return { statusCode, body: { error, message } };
}

/** Ajv's message names the field and the rule, never the value sent (which could be a secret). */
function validationSentence(e: Partial<FastifyError>): string {
  const first = e.validation?.[0];
  if (!first) return 'it does not match the expected shape';
  const where = first.instancePath ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : e.validationContext;
  return `${where ?? 'body'} ${first.message ?? 'is not valid'}`.slice(0, 200);
}
