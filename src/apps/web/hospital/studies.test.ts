/**
 * Share and revoke as the page does them, with the real sharing library and a fake
 * server holding one study: what goes to the server (next record version, reader
 * list, a key wrapped for the colleague that opens to the same content key), and
 * what the page refuses (a server that names a reader the owner never signed).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateAccountKeys, type AccountKeys } from '../../../lib/sharing/accountKeys';
import { encodeBundle, decodeBundle } from '../../../lib/sharing/bundle';
import { unwrapContentKey, wrapContentKey } from '../../../lib/sharing/contentKey';
import { decodeRecordUnverified, readersHash } from '../../../lib/sharing/record';
import { sealForUpload } from '../../../lib/sharing/sharedPackage';
import type { Reader, ServerClient } from '../../../lib/serverClient';
import { ServerError } from '../../../lib/serverClient';
import type { StoredAccountKeys } from '../../../platform/browser/accountKeyStore';
import { joinWithInvitation, sessionDeps, signOut, type SessionDeps } from './session';
import { slot, useServer } from './state';
import { revokeReader, shareStudy } from './studies';

const original: SessionDeps = { ...sessionDeps };
const alice = { id: 'acc-alice', name: 'alice', role: 'clinician' };
const bob = { id: 'acc-bob', name: 'bob', role: 'clinician' };

interface FakeServer {
  record: string;
  ownWrappedKey: string;
  pkg: Uint8Array;
  readers: Reader[];
  extraReaderIds: Record<string, string>;
  sent: { route: string; body: unknown }[];
}

describe('share and revoke from the page', () => {
  let server: FakeServer;
  let bobKeys: AccountKeys;
  let contentKey: Uint8Array;
  let saved: StoredAccountKeys | null;

  beforeEach(async () => {
    bobKeys = await generateAccountKeys({ extractable: false });
    saved = null;
    useServer.getState().signedOut();
    Object.assign(sessionDeps, {
      origin: () => 'http://localhost:4173',
      makeClient: () => fakeClient(),
      register: async () => ({}),
      authenticate: async () => ({}),
      saveKeys: async (k: StoredAccountKeys) => {
        saved = k;
      },
      loadKeys: async () => saved,
    } satisfies SessionDeps);
    expect(await joinWithInvitation('CODE')).toBe(true);
    const sealed = await sealForUpload({
      packageFrom: async () => ({ pkg: new Uint8Array([1, 2, 3, 4, 5]), modality: 'MR', frames: 1 }),
      owner: { id: alice.id, signKey: saved!.signKey, wrapJwk: saved!.wrapJwk },
    });
    contentKey = sealed.contentKey;
    server = {
      record: sealed.record,
      ownWrappedKey: sealed.wrappedKey,
      pkg: decodeBundle(sealed.bundle).pkg,
      readers: [],
      extraReaderIds: {},
      sent: [],
    };
  });
  afterEach(() => {
    signOut();
    Object.assign(sessionDeps, original);
  });

  function fakeClient(): ServerClient {
    const directory: Record<string, { id: string; name: string; role: string; wrapJwk: unknown }> = {};
    return {
      passkeyRegisterOptions: async () => ({}),
      passkeyRegisterVerify: async (body: { wrapJwk: unknown }) => {
        directory.alice = { ...alice, wrapJwk: body.wrapJwk };
        directory.bob = { ...bob, wrapJwk: bobKeys.wrapJwk };
        return { token: 't', expiresAt: '', account: alice };
      },
      setToken: () => {},
      account: async (name: string) => {
        if (server.extraReaderIds[name]) return { id: server.extraReaderIds[name], name, role: 'clinician' };
        if (!directory[name]) throw new ServerError(404, 'not-found', 'not found');
        return directory[name];
      },
      retrieve: async () => encodeBundle({ record: server.record, wrappedKey: server.ownWrappedKey, pkg: server.pkg }),
      readers: async () => server.readers,
      search: async () => [],
      share: async (_uid: string, name: string, body: { record: string; purpose: Reader['purpose'] }) => {
        server.sent.push({ route: `share ${name}`, body });
        server.record = body.record;
        server.readers.push({ name, purpose: body.purpose, until: null, grantedAt: '' });
        return { version: decodeRecordUnverified(body.record).version };
      },
      revoke: async (_uid: string, name: string, body: { record: string }) => {
        server.sent.push({ route: `revoke ${name}`, body });
        server.record = body.record;
        server.readers = server.readers.filter((r) => r.name !== name);
        return { version: decodeRecordUnverified(body.record).version };
      },
    } as unknown as ServerClient;
  }

  const uid = () => decodeRecordUnverified(server.record).study;

  it('sharing sends the next version naming the colleague, and a key only the colleague can open', async () => {
    expect(await shareStudy(uid(), { colleague: ' bob ', purpose: 'second-opinion', until: '' })).toBe(true);
    const [{ route, body }] = server.sent as { route: string; body: { record: string; wrappedKey: string } }[];
    expect(route).toBe('share bob');
    const header = decodeRecordUnverified(body.record);
    expect(header.version).toBe(2);
    expect(header.readersHash).toBe(await readersHash([alice.id, bob.id]));
    const opened = await unwrapContentKey(body.wrappedKey, bobKeys.wrap.privateKey, { study: uid(), owner: alice.id });
    expect(opened).toEqual(contentKey);
    expect(useServer.getState().notice).toBe('Shared with bob.');

    expect(await revokeReader(uid(), 'bob')).toBe(true);
    const revoked = decodeRecordUnverified((server.sent[1].body as { record: string }).record);
    expect(revoked.version).toBe(3);
    expect(revoked.readersHash).toBe(await readersHash([alice.id]));
  });

  it('refuses to build on a reader list the owner never signed', async () => {
    server.readers = [{ name: 'mallory', purpose: 'research', until: null, grantedAt: '' }];
    server.extraReaderIds.mallory = 'acc-mallory';
    expect(await shareStudy(uid(), { colleague: 'bob', purpose: 'treatment', until: '' })).toBe(false);
    expect(useServer.getState().errors[slot.share(uid())]).toMatch(/^Refused: /);
    expect(server.sent).toEqual([]);
  });

  it('says so beside the form for an unknown colleague, a past date, or oneself', async () => {
    expect(await shareStudy(uid(), { colleague: 'nobody', purpose: 'treatment', until: '' })).toBe(false);
    expect(useServer.getState().errors[slot.share(uid())]).toBe('There is no account named "nobody" on this server.');
    expect(await shareStudy(uid(), { colleague: 'bob', purpose: 'treatment', until: '2001-01-01' })).toBe(false);
    expect(useServer.getState().errors[slot.share(uid())]).toMatch(/passed/);
    expect(await shareStudy(uid(), { colleague: 'alice', purpose: 'treatment', until: '' })).toBe(false);
    expect(useServer.getState().errors[slot.share(uid())]).toMatch(/your own account/);
    expect(server.sent).toEqual([]);
  });

  it('a key wrapped for the wrong study is refused before anything is re-signed', async () => {
    server.ownWrappedKey = await wrapContentKey(contentKey, saved!.wrapJwk, { study: '2.25.1', owner: alice.id });
    expect(await shareStudy(uid(), { colleague: 'bob', purpose: 'treatment', until: '' })).toBe(false);
    expect(useServer.getState().errors[slot.share(uid())]).toMatch(/another study/);
    expect(server.sent).toEqual([]);
  });
});
