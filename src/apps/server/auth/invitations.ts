/**
 * Invitation codes: how an account comes to exist. An operator runs `invite` (admin
 * socket or CLI), reads the code to the new user by some other channel, and the user
 * redeems it once, from the CLI or the page (docs/server.md "HTTP API").
 *
 * A code is 20 characters of Crockford base32 in four groups of five
 * ("7K2QD-M9XAT-0R4FE-HW3ZN"): 100 random bits, typable, readable over the phone. The
 * server keeps only the SHA-256 of the normalised code, so a database leak hands out
 * no usable code; 100 bits are beyond guessing, so a plain hash (no salt, no slow KDF)
 * is enough and lets the server look a code up by its hash.
 *
 * Must never: store or log a code itself.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Crockford's base32: no I, L, O, U (they read as 1, 1, 0 or spell words). */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const INVITATION_GROUPS = 4;
export const INVITATION_GROUP_LENGTH = 5;
export const INVITATION_BITS = INVITATION_GROUPS * INVITATION_GROUP_LENGTH * 5;

/** Roles an invitation may give ('disabled' is a state an account is put in, not a role one is invited to). */
export const INVITABLE_ROLES = ['clinician', 'auditor', 'admin'] as const;
export type InvitableRole = (typeof INVITABLE_ROLES)[number];

export function isInvitableRole(role: unknown): role is InvitableRole {
  return typeof role === 'string' && (INVITABLE_ROLES as readonly string[]).includes(role);
}

export interface NewInvitation {
  /** give this to the person invited; never store it */
  code: string;
  /** store this: SHA-256 hex of the normalised code */
  codeHash: string;
}

export function newInvitationCode(): NewInvitation {
  const length = INVITATION_GROUPS * INVITATION_GROUP_LENGTH;
  // 32 symbols divide 256: the low five bits of a random byte are uniform, no rejection needed.
  const symbols = Array.from(randomBytes(length), (byte) => ALPHABET[byte & 31]).join('');
  const groups = symbols.match(new RegExp(`.{${INVITATION_GROUP_LENGTH}}`, 'g'))!;
  const code = groups.join('-');
  return { code, codeHash: hashInvitationCode(code) };
}

/**
 * The canonical form of what someone typed: upper case, no dashes or spaces, and the
 * letters people mistake for digits read as those digits (I, L → 1; O → 0).
 */
export function normaliseInvitationCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

/** True when the typed text can be a code at all (so a route can say "mistyped" before a lookup). */
export function isWellFormedInvitationCode(typed: string): boolean {
  const canonical = normaliseInvitationCode(typed);
  return (
    canonical.length === INVITATION_GROUPS * INVITATION_GROUP_LENGTH &&
    [...canonical].every((c) => ALPHABET.includes(c))
  );
}

/** SHA-256 hex of the normalised code: the only form the server keeps. */
export function hashInvitationCode(typed: string): string {
  return createHash('sha256').update(normaliseInvitationCode(typed), 'utf8').digest('hex');
}
