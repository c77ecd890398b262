// Passkeys without a browser: options shape, and full ceremonies against a software
// authenticator written here (packed "none" attestation, ES256), so refusals can be
// shown one changed field at a time. The browser-side test is Playwright's (e2e/).
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { softwareAuthenticator } from '../../../testing/softwareAuthenticator';
import { AuthError } from './authError';
import {
  authenticationOptions,
  credentialIdOf,
  registrationOptions,
  relyingPartyFor,
  verifyAuthentication,
  verifyRegistration,
  type RegisteredPasskey,
} from './passkeys';

const rp = relyingPartyFor('http://localhost:8080');
const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');

/** A single-device authenticator holding one ES256 credential for one rpId. */
const softAuthenticator = (rpId = rp.rpId) =>
  softwareAuthenticator({ rpId, origin: rp.origin, userHandle: 'acc-alice' });

async function refused(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe('invalid');
  return (error as AuthError).message;
}

describe('relyingPartyFor', () => {
  it('binds passkeys to localhost or an https domain', () => {
    expect(relyingPartyFor('http://localhost:5173/app')).toEqual({
      rpId: 'localhost',
      origin: 'http://localhost:5173',
    });
    expect(relyingPartyFor('https://scans.example.org')).toEqual({
      rpId: 'scans.example.org',
      origin: 'https://scans.example.org',
    });
  });

  it('refuses an IP address and names the URL to use instead', () => {
    expect(() => relyingPartyFor('http://127.0.0.1:8080')).toThrow(/open http:\/\/localhost:8080 instead/);
    expect(() => relyingPartyFor('http://[::1]:8080')).toThrow(/not an IP address/);
  });

  it('refuses plain http on a real domain', () => {
    expect(() => relyingPartyFor('http://scans.example.org')).toThrow(/https/);
  });
});

describe('options', () => {
  it('ask for a discoverable credential without attestation', async () => {
    const options = await registrationOptions({
      rpId: 'localhost',
      rpName: 'CipherScan',
      accountName: 'alice',
      userId: 'acc-alice',
    });
    expect(options.rp).toEqual({ id: 'localhost', name: 'CipherScan' });
    expect(options.user.name).toBe('alice');
    expect(Buffer.from(options.user.id, 'base64url').toString()).toBe('acc-alice');
    expect(options.attestation).toBe('none');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'preferred' });
    expect(options.pubKeyCredParams.map((p) => p.alg)).toContain(-7);
    expect(Buffer.from(options.challenge, 'base64url').length).toBeGreaterThanOrEqual(16);
    const again = await registrationOptions({
      rpId: 'localhost',
      rpName: 'CipherScan',
      accountName: 'alice',
      userId: 'acc-alice',
    });
    expect(again.challenge).not.toBe(options.challenge);
  });

  it('refuse an empty or over-long user id', async () => {
    const base = { rpId: 'localhost', rpName: 'CipherScan', accountName: 'alice' };
    await expect(registrationOptions({ ...base, userId: '' })).rejects.toThrow(/1 to 64 bytes/);
    await expect(registrationOptions({ ...base, userId: 'x'.repeat(65) })).rejects.toThrow(/1 to 64 bytes/);
  });

  it('for login list no credentials (the browser offers its passkeys)', async () => {
    const options = await authenticationOptions({ rpId: 'localhost' });
    expect(options.rpId).toBe('localhost');
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.userVerification).toBe('preferred');
  });
});

describe('registration and sign-in with a software authenticator', () => {
  async function registered() {
    const device = softAuthenticator();
    const { challenge } = await registrationOptions({
      rpId: rp.rpId,
      rpName: 'CipherScan',
      accountName: 'alice',
      userId: 'acc-alice',
    });
    const passkey = await verifyRegistration({
      response: device.register(challenge),
      expectedChallenge: challenge,
      relyingParty: rp,
    });
    return { device, passkey };
  }

  it('registers, then signs in and moves the counter forward', async () => {
    const { device, passkey } = await registered();
    expect(passkey.publicKey).toBeInstanceOf(Uint8Array);
    expect(passkey.counter).toBe(0);
    expect(passkey.transports).toEqual(['internal']);
    device.setCounter(7);
    const { challenge } = await authenticationOptions({ rpId: rp.rpId });
    const response = device.login(challenge);
    expect(credentialIdOf(response)).toBe(passkey.credentialId);
    expect(await verifyAuthentication({ response, expectedChallenge: challenge, relyingParty: rp, passkey })).toEqual({
      newCounter: 7,
    });
  });

  it('accepts counters that stay 0 (synced passkeys)', async () => {
    const { device, passkey } = await registered();
    const { challenge } = await authenticationOptions({ rpId: rp.rpId });
    const answer = await verifyAuthentication({
      response: device.login(challenge),
      expectedChallenge: challenge,
      relyingParty: rp,
      passkey,
    });
    expect(answer.newCounter).toBe(0);
  });

  it('refuses a counter that goes backwards or stands still (clone)', async () => {
    const { device, passkey } = await registered();
    const { challenge } = await authenticationOptions({ rpId: rp.rpId });
    for (const counter of [4, 5]) {
      device.setCounter(counter);
      const stored: RegisteredPasskey = { ...passkey, counter: 5 };
      await refused(
        verifyAuthentication({
          response: device.login(challenge),
          expectedChallenge: challenge,
          relyingParty: rp,
          passkey: stored,
        }),
      );
    }
  });

  it('refuses sign-in with another challenge, origin, or passkey', async () => {
    const { device, passkey } = await registered();
    const { challenge } = await authenticationOptions({ rpId: rp.rpId });
    const good = { expectedChallenge: challenge, relyingParty: rp, passkey };
    // each ceremony's refusal names it, and quotes none of the library's values
    const message = await refused(verifyAuthentication({ ...good, response: device.login(b64u(randomBytes(32))) }));
    expect(message).toMatch(/^passkey sign-in refused: /);
    expect(message).not.toContain(challenge);
    await refused(verifyAuthentication({ ...good, response: device.login(challenge, 'http://localhost:9999') }));
    const other = await registered();
    await refused(
      verifyAuthentication({
        ...good,
        passkey: { ...other.passkey, credentialId: passkey.credentialId },
        response: device.login(challenge),
      }),
    );
  });

  it('refuses registration for another challenge, origin or rpId', async () => {
    const { challenge } = await registrationOptions({
      rpId: rp.rpId,
      rpName: 'CipherScan',
      accountName: 'alice',
      userId: 'acc-alice',
    });
    const device = softAuthenticator();
    const message = await refused(
      verifyRegistration({
        response: device.register(b64u(randomBytes(32))),
        expectedChallenge: challenge,
        relyingParty: rp,
      }),
    );
    expect(message).toMatch(/^passkey registration refused: /);
    expect(message).not.toContain(challenge);
    await refused(
      verifyRegistration({
        response: device.register(challenge, 'https://evil.example'),
        expectedChallenge: challenge,
        relyingParty: rp,
      }),
    );
    const elsewhere = softAuthenticator('evil.example');
    await refused(
      verifyRegistration({ response: elsewhere.register(challenge), expectedChallenge: challenge, relyingParty: rp }),
    );
  });

  it('requires user verification only when asked to', async () => {
    const { challenge } = await registrationOptions({
      rpId: rp.rpId,
      rpName: 'CipherScan',
      accountName: 'alice',
      userId: 'acc-alice',
    });
    const device = softAuthenticator();
    const presenceOnly = device.register(challenge, rp.origin, 0x41); // UP + AT, no UV
    await expect(
      verifyRegistration({ response: presenceOnly, expectedChallenge: challenge, relyingParty: rp }),
    ).resolves.toBeTruthy();
    await refused(
      verifyRegistration({
        response: presenceOnly,
        expectedChallenge: challenge,
        relyingParty: rp,
        userVerification: 'required',
      }),
    );
  });

  it('refuses garbage', async () => {
    const { challenge } = await registrationOptions({
      rpId: rp.rpId,
      rpName: 'CipherScan',
      accountName: 'alice',
      userId: 'acc-alice',
    });
    const garbage = {
      id: 'AAAA',
      rawId: 'AAAA',
      type: 'public-key',
      response: { clientDataJSON: 'e30', attestationObject: 'oA' },
      clientExtensionResults: {},
    };
    await refused(
      verifyRegistration({
        response: garbage as RegistrationResponseJSON,
        expectedChallenge: challenge,
        relyingParty: rp,
      }),
    );
    await refused(
      verifyRegistration({ response: {} as RegistrationResponseJSON, expectedChallenge: challenge, relyingParty: rp }),
    );
    expect(() => credentialIdOf({} as AuthenticationResponseJSON)).toThrow(AuthError);
    expect(() => credentialIdOf({ id: 'not base64url!' } as AuthenticationResponseJSON)).toThrow(AuthError);
  });
});
