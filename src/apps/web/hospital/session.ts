/**
 * Signing in to the hospital server with a passkey (docs/server.md, passkey
 * routes). Joining makes the account's two key pairs on this device first
 * (non-extractable), registers a passkey with the invitation code and sends only
 * the public halves; the private halves go to IndexedDB (accountKeyStore). Signing
 * in later asks the browser for a passkey, then finds this account's keys here.
 *
 * The session token and the keys are held in this module's memory only (not in a
 * store, never in storage): a reload signs in again. The server is the page's own
 * origin, so no request ever leaves for another one.
 *
 * Must never: log or store a token or key; send a private key.
 */
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { createServerClient, type ServerClient } from '../../../lib/serverClient';
import { generateAccountKeys } from '../../../lib/sharing/accountKeys';
import { loadAccountKeys, saveAccountKeys, type StoredAccountKeys } from '../../../platform/browser/accountKeyStore';
import { explain, sessionEnded } from './messages';
import { useServer } from './state';

/** What the session needs from the browser: swapped in unit tests. */
export interface SessionDeps {
  origin: () => string;
  makeClient: (baseUrl: string) => ServerClient;
  register: (options: PublicKeyCredentialCreationOptionsJSON) => Promise<unknown>;
  authenticate: (options: PublicKeyCredentialRequestOptionsJSON) => Promise<unknown>;
  saveKeys: (keys: StoredAccountKeys) => Promise<void>;
  loadKeys: (origin: string, accountId: string) => Promise<StoredAccountKeys | null>;
}

export const sessionDeps: SessionDeps = {
  origin: () => location.origin,
  makeClient: (baseUrl) => createServerClient({ baseUrl }),
  register: (optionsJSON) => startRegistration({ optionsJSON }),
  authenticate: (optionsJSON) => startAuthentication({ optionsJSON }),
  saveKeys: (keys) => saveAccountKeys(keys),
  loadKeys: (origin, id) => loadAccountKeys(origin, id),
};

interface Session {
  client: ServerClient;
  /** null when this browser does not hold the account's keys (it joined elsewhere) */
  keys: StoredAccountKeys | null;
}

let session: Session | null = null;

/** The signed-in session, or null. */
export function currentSession(): Session | null {
  return session;
}

/** The keys, or an error sentence for the control that needs them. */
export function sessionKeys(): { session: Session; keys: StoredAccountKeys } {
  if (!session) throw new Error('sign in first');
  if (!session.keys)
    throw new Error("this browser does not hold your account's keys: use the browser (and profile) you joined with");
  return { session, keys: session.keys };
}

/** Joins with an invitation code: keys made here, a passkey registered, signed in. True when it worked. */
export async function joinWithInvitation(code: string): Promise<boolean> {
  const store = useServer.getState();
  const trimmed = code.trim();
  store.setError('join', null);
  if (!trimmed) {
    store.setError('join', 'Enter the invitation code you were given.');
    return false;
  }
  if (store.busy) return false;
  store.setBusy('joining');
  try {
    const origin = sessionDeps.origin();
    const client = sessionDeps.makeClient(origin);
    // keys first: if the device cannot make them, no passkey is left behind for an unusable account
    const keys = await generateAccountKeys({ extractable: false });
    const options = (await client.passkeyRegisterOptions(trimmed)) as PublicKeyCredentialCreationOptionsJSON;
    const response = await sessionDeps.register(options);
    const answer = await client.passkeyRegisterVerify({
      code: trimmed,
      response,
      signJwk: keys.signJwk,
      wrapJwk: keys.wrapJwk,
    });
    const stored: StoredAccountKeys = {
      origin,
      accountId: answer.account.id,
      signKey: keys.sign.privateKey,
      wrapKey: keys.wrap.privateKey,
      signJwk: keys.signJwk,
      wrapJwk: keys.wrapJwk,
    };
    await sessionDeps.saveKeys(stored);
    session = { client, keys: stored };
    useServer.getState().signedIn(answer.account, true);
    useServer.getState().setNotice(`Joined as ${answer.account.name}; a passkey for this server is on this device.`);
    return true;
  } catch (err) {
    useServer.getState().setError('join', explain(err, 'join'));
    return false;
  } finally {
    useServer.getState().setBusy(null);
  }
}

/** Signs in with a passkey this device holds; finds the account's keys in this browser. True when it worked. */
export async function signInWithPasskey(): Promise<boolean> {
  const store = useServer.getState();
  store.setError('sign-in', null);
  if (store.busy) return false;
  store.setBusy('signing-in');
  try {
    const origin = sessionDeps.origin();
    const client = sessionDeps.makeClient(origin);
    const options = (await client.passkeyLoginOptions()) as PublicKeyCredentialRequestOptionsJSON;
    const response = await sessionDeps.authenticate(options);
    const answer = await client.passkeyLoginVerify(response);
    const keys = await sessionDeps.loadKeys(origin, answer.account.id).catch(() => null);
    session = { client, keys };
    useServer.getState().signedIn(answer.account, keys !== null);
    useServer.getState().setNotice(`Signed in as ${answer.account.name}.`);
    return true;
  } catch (err) {
    useServer.getState().setError('sign-in', explain(err, 'sign-in'));
    return false;
  } finally {
    useServer.getState().setBusy(null);
  }
}

/** Forgets the session token (the keys stay in this browser for the next sign-in). */
export function signOut(notice = 'Signed out.'): void {
  session?.client.setToken(undefined);
  session = null;
  useServer.getState().signedOut();
  useServer.getState().setNotice(notice);
}

/**
 * Puts an error beside its control; a session that has ended signs out (the panel then offers sign-in,
 * with the reason).
 */
export function reportError(slotName: string, err: unknown, context: Parameters<typeof explain>[1] = 'other'): void {
  if (sessionEnded(err)) {
    signOut();
    useServer.getState().setError('sign-in', explain(err));
    return;
  }
  useServer.getState().setError(slotName, explain(err, context));
}
