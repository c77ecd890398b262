import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServerError, type ServerClient } from '../../../lib/serverClient';
import type { StoredAccountKeys } from '../../../platform/browser/accountKeyStore';
import {
  currentSession,
  joinWithInvitation,
  sessionDeps,
  signInWithPasskey,
  signOut,
  type SessionDeps,
} from './session';
import { useServer } from './state';

const original: SessionDeps = { ...sessionDeps };
const account = { id: 'acc-alice', name: 'alice', role: 'clinician' };

/** A fake server: records what the page sent, answers as the contract says. */
function fakeClient(sent: unknown[], options: { refuse?: boolean } = {}) {
  let token: string | undefined;
  return {
    passkeyRegisterOptions: async (code: string) => {
      sent.push({ route: 'register/options', code });
      if (options.refuse) throw new ServerError(400, 'bad-invitation', 'this invitation code is not valid');
      return { challenge: 'c' };
    },
    passkeyRegisterVerify: async (body: unknown) => {
      sent.push({ route: 'register/verify', body });
      token = 'tok';
      return { token: 'tok', expiresAt: '', account };
    },
    passkeyLoginOptions: async () => ({ challenge: 'c' }),
    passkeyLoginVerify: async () => {
      token = 'tok';
      return { token: 'tok', expiresAt: '', account };
    },
    setToken: (t: string | undefined) => {
      token = t;
    },
    get token() {
      return token;
    },
  } as unknown as ServerClient;
}

describe('hospital-server session', () => {
  let sent: unknown[];
  let saved: StoredAccountKeys[];
  beforeEach(() => {
    sent = [];
    saved = [];
    useServer.getState().signedOut();
    Object.assign(sessionDeps, {
      origin: () => 'http://localhost:4173',
      makeClient: () => fakeClient(sent),
      register: async () => ({ id: 'cred' }),
      authenticate: async () => ({ id: 'cred' }),
      saveKeys: async (k: StoredAccountKeys) => {
        saved.push(k);
      },
      loadKeys: async (_o: string, id: string) => saved.find((k) => k.accountId === id) ?? null,
    } satisfies SessionDeps);
  });
  afterEach(() => {
    signOut();
    Object.assign(sessionDeps, original);
  });

  it('joining sends only public keys, keeps non-extractable private keys for the new account', async () => {
    expect(await joinWithInvitation('  CODE-1 ')).toBe(true);
    const verify = sent.find((s) => (s as { route: string }).route === 'register/verify') as {
      body: Record<string, Record<string, unknown>>;
    };
    expect(verify.body.code).toBe('CODE-1');
    expect(Object.keys(verify.body.signJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect('d' in verify.body.wrapJwk).toBe(false);
    expect(saved).toHaveLength(1);
    expect(saved[0].accountId).toBe('acc-alice');
    expect(saved[0].signKey.extractable).toBe(false);
    expect(saved[0].wrapKey.extractable).toBe(false);
    expect(useServer.getState().account?.name).toBe('alice');
    expect(useServer.getState().hasKeys).toBe(true);
    // the token lives in the session module only, never in the store
    expect(JSON.stringify(useServer.getState())).not.toContain('tok');
  });

  it('an empty or refused code shows its error beside the form and signs nobody in', async () => {
    expect(await joinWithInvitation('   ')).toBe(false);
    expect(useServer.getState().errors.join).toMatch(/invitation code/);
    sessionDeps.makeClient = () => fakeClient(sent, { refuse: true });
    expect(await joinWithInvitation('WRONG')).toBe(false);
    expect(useServer.getState().errors.join).toBe('This invitation code is not valid.');
    expect(currentSession()).toBeNull();
    expect(saved).toHaveLength(0);
  });

  it('a passkey sign-in finds the keys kept here; without them it says so', async () => {
    await joinWithInvitation('CODE-1');
    signOut();
    expect(currentSession()).toBeNull();
    expect(await signInWithPasskey()).toBe(true);
    expect(useServer.getState().hasKeys).toBe(true);
    expect(currentSession()?.keys?.accountId).toBe('acc-alice');
    signOut();
    saved.length = 0;
    expect(await signInWithPasskey()).toBe(true);
    expect(useServer.getState().hasKeys).toBe(false);
  });

  it('a cancelled passkey dialog is explained under the sign-in button', async () => {
    sessionDeps.authenticate = async () => {
      throw Object.assign(new Error('The operation either timed out or was not allowed.'), { name: 'NotAllowedError' });
    };
    expect(await signInWithPasskey()).toBe(false);
    expect(useServer.getState().errors['sign-in']).toMatch(/No passkey was used/);
    expect(useServer.getState().account).toBeNull();
  });
});
