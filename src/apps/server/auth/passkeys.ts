/**
 * Passkeys (the page's way in, docs/server.md "HTTP API"): thin wrappers over
 * @simplewebauthn/server that fix our choices in one place: discoverable credentials
 * (the user picks their account in the browser's own dialog, so login needs no name),
 * no attestation (we do not vet authenticator makers, and attestation can identify a
 * device), and user verification `preferred` unless the caller asks for `required`.
 *
 * WebAuthn's relying-party id must be a domain; an IP address is refused by every
 * browser (and by @simplewebauthn/browser). A server listening on 127.0.0.1 must
 * therefore be opened as http://localhost:PORT, which browsers treat as a secure
 * context; `relyingPartyFor` says so instead of letting the browser fail obscurely.
 *
 * Storing challenges and credentials, and using each challenge once, is the caller's job.
 * Must never: log a credential, a challenge or a response.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isIP } from 'node:net';
import { AuthError } from './authError';

export type UserVerification = 'preferred' | 'required';

export interface RelyingParty {
  /** the domain passkeys are bound to ("localhost", "scans.example.org") */
  rpId: string;
  /** the exact origin the browser reports ("http://localhost:8080") */
  origin: string;
}

/** The relying party for a server reached at `url`; throws for an IP host, which WebAuthn forbids. */
export function relyingPartyFor(url: string): RelyingParty {
  const { protocol, hostname, port, origin } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const suggestion = `${protocol}//localhost${port ? `:${port}` : ''}`;
    throw new Error(`passkeys need a domain, not an IP address: open ${suggestion} instead of ${origin}`);
  }
  if (protocol !== 'https:' && host !== 'localhost') {
    throw new Error(`passkeys need https (or http://localhost): ${origin}`);
  }
  return { rpId: host, origin };
}

export async function registrationOptions(opts: {
  rpId: string;
  rpName: string;
  /** the account's name: what the browser shows in its passkey list */
  accountName: string;
  /** the account id (≤ 64 bytes, no personal data: browsers may show or sync it) */
  userId: string;
  userVerification?: UserVerification;
}): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const userID = new TextEncoder().encode(opts.userId);
  if (userID.length === 0 || userID.length > 64) throw new Error('WebAuthn user id must be 1 to 64 bytes');
  return generateRegistrationOptions({
    rpName: opts.rpName,
    rpID: opts.rpId,
    userName: opts.accountName,
    userDisplayName: opts.accountName,
    userID,
    attestationType: 'none',
    authenticatorSelection: {
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: opts.userVerification ?? 'preferred',
    },
  });
}

export interface RegisteredPasskey {
  /** base64url credential id: the key to look the passkey up at login */
  credentialId: string;
  /** COSE public key: store as bytes */
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
}

export async function verifyRegistration(opts: {
  response: RegistrationResponseJSON;
  expectedChallenge: string;
  relyingParty: RelyingParty;
  userVerification?: UserVerification;
}): Promise<RegisteredPasskey> {
  const verified = await verifiedOrRefused('registration', () =>
    verifyRegistrationResponse({
      response: opts.response,
      expectedChallenge: opts.expectedChallenge,
      expectedOrigin: opts.relyingParty.origin,
      expectedRPID: opts.relyingParty.rpId,
      requireUserVerification: opts.userVerification === 'required',
    }),
  );
  const { credential } = verified.registrationInfo;
  return {
    credentialId: credential.id,
    publicKey: new Uint8Array(credential.publicKey),
    counter: credential.counter,
    transports: credential.transports ?? [],
  };
}

/** Login options with no allowCredentials: the browser offers every passkey it holds for this rpId. */
export async function authenticationOptions(opts: {
  rpId: string;
  userVerification?: UserVerification;
}): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: opts.rpId,
    allowCredentials: [],
    userVerification: opts.userVerification ?? 'preferred',
  });
}

/** The credential id a login response claims, to find the stored passkey before verifying. */
export function credentialIdOf(response: AuthenticationResponseJSON): string {
  if (typeof response?.id !== 'string' || !/^[A-Za-z0-9_-]{1,1400}$/.test(response.id)) {
    throw new AuthError('invalid', 'passkey response without a credential id');
  }
  return response.id;
}

export async function verifyAuthentication(opts: {
  response: AuthenticationResponseJSON;
  expectedChallenge: string;
  relyingParty: RelyingParty;
  /** the stored passkey whose credentialId equals credentialIdOf(response) */
  passkey: RegisteredPasskey;
  userVerification?: UserVerification;
}): Promise<{ newCounter: number }> {
  const { passkey } = opts;
  const verified = await verifiedOrRefused('sign-in', () =>
    verifyAuthenticationResponse({
      response: opts.response,
      expectedChallenge: opts.expectedChallenge,
      expectedOrigin: opts.relyingParty.origin,
      expectedRPID: opts.relyingParty.rpId,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: passkey.counter,
        transports: passkey.transports,
      },
      requireUserVerification: opts.userVerification === 'required',
    }),
  );
  const { newCounter } = verified.authenticationInfo;
  // A counter that does not move forward means a cloned authenticator (the library checks this too;
  // we keep the rule here, where a reader of our code looks for it). Passkeys that sync report 0 always.
  if ((newCounter > 0 || passkey.counter > 0) && newCounter <= passkey.counter) {
    throw new AuthError('invalid', 'passkey counter went backwards (possible clone)');
  }
  return { newCounter };
}

/**
 * The library's verification, its refusal mapped once for both ceremonies: thrown or
 * `verified: false`, it is an AuthError 'invalid' naming the ceremony.
 */
async function verifiedOrRefused<T extends { verified: boolean }>(
  ceremony: 'registration' | 'sign-in',
  verify: () => Promise<T>,
): Promise<T & { verified: true }> {
  let verified: T;
  try {
    verified = await verify();
  } catch (error) {
    throw new AuthError('invalid', `passkey ${ceremony} refused: ${withoutValues(error)}`);
  }
  if (!verified.verified) throw new AuthError('invalid', `passkey ${ceremony} not verified`);
  return verified as T & { verified: true };
}

/** The library's reason without the values it quotes (challenges, origins): messages reach server logs. */
function withoutValues(error: unknown): string {
  return String((error as Error)?.message ?? error).replace(/"[^"]*"/g, '"…"');
}
