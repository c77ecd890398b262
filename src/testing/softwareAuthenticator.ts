/**
 * A single-device WebAuthn authenticator in software for Node tests: one ES256 credential for
 * one rpId, packed "none" attestation, so server-side ceremonies (auth/passkeys.ts and the
 * passkey routes) can be run, and refused one changed field at a time, without a browser.
 * With `countOnLogin`, each login moves the signature counter forward as a real device does;
 * without, it stays where `setCounter` put it (to test counters that stand still or go back).
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

export interface SoftwareAuthenticatorOptions {
  rpId: string;
  origin: string;
  userHandle?: string;
  countOnLogin?: boolean;
}

export function softwareAuthenticator({
  rpId,
  origin: defaultOrigin,
  userHandle = 'user',
  countOnLogin = false,
}: SoftwareAuthenticatorOptions) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const credentialId = randomBytes(16);
  let counter = 0;
  const cose = isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
      [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
    ]),
  );
  const authData = (flags: number, attested: boolean) => {
    const head = Buffer.alloc(37);
    sha256(rpId).copy(head, 0);
    head[32] = flags;
    head.writeUInt32BE(counter, 33);
    if (!attested) return head;
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialId.length);
    return Buffer.concat([head, Buffer.alloc(16), idLength, credentialId, cose]);
  };
  const clientData = (type: string, challenge: string, origin: string) =>
    Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  return {
    setCounter(value: number) {
      counter = value;
    },
    register(challenge: string, origin = defaultOrigin, flags = 0x45): RegistrationResponseJSON {
      const attestationObject = isoCBOR.encode(
        new Map<string, unknown>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', new Uint8Array(authData(flags, true))],
        ]) as never,
      );
      return {
        id: b64u(credentialId),
        rawId: b64u(credentialId),
        type: 'public-key',
        response: {
          clientDataJSON: b64u(clientData('webauthn.create', challenge, origin)),
          attestationObject: b64u(attestationObject),
          transports: ['internal'],
        },
        clientExtensionResults: {},
      };
    },
    login(challenge: string, origin = defaultOrigin, flags = 0x05): AuthenticationResponseJSON {
      if (countOnLogin) counter++;
      const data = authData(flags, false);
      const client = clientData('webauthn.get', challenge, origin);
      const signature = sign('sha256', Buffer.concat([data, sha256(client)]), privateKey);
      return {
        id: b64u(credentialId),
        rawId: b64u(credentialId),
        type: 'public-key',
        response: {
          clientDataJSON: b64u(client),
          authenticatorData: b64u(data),
          signature: b64u(signature),
          userHandle: b64u(userHandle),
        },
        clientExtensionResults: {},
      };
    },
  };
}
