/**
 * Upload as the page does it, with the worker faked: the package is made under a
 * fresh content key (never the user's key), that key is forgotten in the worker
 * right after, the bundle sent is the owner's version-1 record, and Cancel stops
 * it with nothing sent.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateKey, type CipherKey } from '../../../lib/keys/key';
import type { ServerClient } from '../../../lib/serverClient';
import { decodeBundle } from '../../../lib/sharing/bundle';
import { decodeRecordUnverified } from '../../../lib/sharing/record';
import type { StoredAccountKeys } from '../../../platform/browser/accountKeyStore';
import { useFiles } from '../state/files';
import { useKey } from '../state/key';
import { joinWithInvitation, sessionDeps, signOut, type SessionDeps } from './session';
import { useServer } from './state';
import { cancelUpload, uploadSelected } from './upload';

const ring = vi.hoisted(() => ({
  registered: [] as unknown[],
  forgotten: [] as string[],
  /** resolves the pending pack; set per test */
  packDelay: 0,
}));

vi.mock('../../../platform/browser/workers/appWorkers', () => ({
  pipelineBridge: () => ({}),
  appKeys: () => ({
    registerKey: (key: unknown) => {
      ring.registered.push(key);
      return `key-${ring.registered.length}`;
    },
    call: async (
      _bridge: unknown,
      _handle: string,
      method: string,
      args: unknown[],
      options: { signal?: AbortSignal },
    ) => {
      expect(method).toBe('pack');
      expect(args[4]).toBe('all-frames');
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ring.packDelay);
        options.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        });
      });
      return { pkg: new Uint8Array(64).fill(9), frames: 1 };
    },
    forgetKey: async (handle: string) => {
      ring.forgotten.push(handle);
    },
  }),
}));

const original: SessionDeps = { ...sessionDeps };
const account = { id: 'acc-alice', name: 'alice', role: 'clinician' };

describe('upload from the page', () => {
  let uploaded: Uint8Array[];
  let userKey: CipherKey;
  beforeEach(async () => {
    uploaded = [];
    ring.registered.length = 0;
    ring.forgotten.length = 0;
    ring.packDelay = 0;
    let saved: StoredAccountKeys | null = null;
    Object.assign(sessionDeps, {
      origin: () => 'http://localhost:4173',
      makeClient: () =>
        ({
          passkeyRegisterOptions: async () => ({}),
          passkeyRegisterVerify: async () => ({ token: 't', expiresAt: '', account }),
          setToken: () => {},
          search: async () => [],
          upload: async (bundles: Uint8Array[], call: { signal?: AbortSignal }) => {
            call.signal?.throwIfAborted();
            uploaded.push(...bundles);
            return { stored: [{ id: 'x', version: 1 }], failed: [] };
          },
        }) as unknown as ServerClient,
      register: async () => ({}),
      authenticate: async () => ({}),
      saveKeys: async (k: StoredAccountKeys) => {
        saved = k;
      },
      loadKeys: async () => saved,
    } satisfies SessionDeps);
    await joinWithInvitation('CODE');
    userKey = await generateKey();
    useKey.getState().setKey(userKey);
    useFiles.setState({ files: [], selectedId: null, batch: null, nextNumber: 1 });
    const [file] = useFiles
      .getState()
      .add([{ originalName: 'DOE^JANE.dcm', source: 'upload', synthetic: false, bytes: new Uint8Array([1, 2, 3]) }]);
    useFiles.getState().update(file.id, {
      status: 'ready',
      decoded: { frame: 0, frames: 1, dicom: { modality: 'mr' } } as never,
    });
  });
  afterEach(() => {
    signOut();
    useKey.getState().forget();
    Object.assign(sessionDeps, original);
  });

  it('packs under a fresh content key, forgets it in the worker, and sends the version-1 record', async () => {
    expect(await uploadSelected()).toBe(true);
    expect(ring.registered).toHaveLength(1);
    const contentKey = ring.registered[0] as CipherKey;
    expect(contentKey).not.toBe(userKey);
    expect(contentKey.origin).toBe('random');
    expect(contentKey.master.every((b) => b === 0)).toBe(true); // wiped once the package was made
    expect(ring.forgotten).toEqual(['key-1']);
    expect(uploaded).toHaveLength(1);
    const bundle = decodeBundle(uploaded[0]);
    const header = decodeRecordUnverified(bundle.record);
    expect(header).toMatchObject({ version: 1, owner: 'acc-alice', modality: 'MR', frames: 1, packageBytes: 64 });
    expect(new TextDecoder().decode(uploaded[0])).not.toContain('DOE');
    expect(useServer.getState().notice).toMatch(/^Uploaded scan-1/);
    expect(useServer.getState().busy).toBeNull();
  });

  it('Cancel while packing stops it: nothing is sent, the content key is forgotten all the same', async () => {
    ring.packDelay = 10_000;
    const running = uploadSelected();
    await vi.waitFor(() => expect(ring.registered).toHaveLength(1));
    expect(useServer.getState().upload?.stage).toBe('sealing');
    cancelUpload();
    expect(await running).toBe(false);
    expect(uploaded).toEqual([]);
    expect(ring.forgotten).toEqual(['key-1']);
    expect(useServer.getState().notice).toBe('Upload cancelled: nothing was stored.');
    expect(useServer.getState().upload).toBeNull();
  });
});
