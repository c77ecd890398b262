/**
 * JSON schemas shared by the routes, and the path-parameter checks. Every body is
 * closed (additionalProperties false) and every string bounded, so a request the
 * contract does not describe is a 400 before a handler runs. Path ids that are not of
 * the contract's form are a 404 (not a 400): a malformed id and an unknown one must
 * look the same, and neither may reach a query.
 */
import { notFound } from '../http/errors';

/** `2.25.` + up to 39 decimal digits (a 128-bit UUID as an integer). */
const STUDY_UID = /^2\.25\.\d{1,39}$/;
/** account names: lower case, a letter first, 2–32 characters */
const ACCOUNT_NAME = /^[a-z][a-z0-9-]{1,31}$/;

export function studyUidParam(value: unknown): string {
  if (typeof value !== 'string' || !STUDY_UID.test(value)) throw notFound();
  return value;
}

export function accountNameParam(value: unknown): string {
  if (typeof value !== 'string' || !ACCOUNT_NAME.test(value)) throw notFound();
  return value;
}

export const ACCOUNT_NAME_PATTERN = ACCOUNT_NAME.source;
export const STUDY_UID_PATTERN = STUDY_UID.source;

/** A public P-256 JWK as the client sends it; src/lib/sharing parses it strictly afterwards. */
export const publicJwkSchema = {
  type: 'object',
  required: ['kty', 'crv', 'x', 'y'],
  additionalProperties: false,
  properties: {
    kty: { type: 'string', const: 'EC' },
    crv: { type: 'string', const: 'P-256' },
    x: { type: 'string', maxLength: 64 },
    y: { type: 'string', maxLength: 64 },
    alg: { type: 'string', maxLength: 16 },
    use: { type: 'string', maxLength: 16 },
    key_ops: { type: 'array', maxItems: 4, items: { type: 'string', maxLength: 16 } },
    ext: { type: 'boolean' },
    kid: { type: 'string', maxLength: 128 },
  },
} as const;

export const compactJwsSchema = { type: 'string', minLength: 5, maxLength: 16 * 1024 } as const;
export const compactJweSchema = { type: 'string', minLength: 9, maxLength: 4 * 1024 } as const;
export const invitationCodeSchema = { type: 'string', minLength: 1, maxLength: 64 } as const;
export const accountNameSchema = { type: 'string', pattern: ACCOUNT_NAME.source } as const;

/** A WebAuthn response (RegistrationResponseJSON / AuthenticationResponseJSON): shape checked by @simplewebauthn. */
export const webauthnResponseSchema = {
  type: 'object',
  required: ['id', 'rawId', 'response', 'type'],
  additionalProperties: true,
  maxProperties: 8,
  properties: {
    id: { type: 'string', maxLength: 1400 },
    rawId: { type: 'string', maxLength: 1400 },
    type: { type: 'string', const: 'public-key' },
    response: { type: 'object', maxProperties: 8 },
    authenticatorAttachment: { type: 'string', maxLength: 32 },
    clientExtensionResults: { type: 'object', maxProperties: 8 },
  },
} as const;

export function closedBody(properties: Record<string, unknown>, required: string[]) {
  return { type: 'object', additionalProperties: false, required, properties } as const;
}
