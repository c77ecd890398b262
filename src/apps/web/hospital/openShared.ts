/**
 * Opening a scan a colleague shared (docs/server.md): the bundle is retrieved,
 * checked completely (`openDownloadedBundle`: the owner's signature with the
 * owner's key from the server's directory, study, package hash and size, no
 * rollback below the version seen before, the wrapped key's binding) and the
 * content key unwrapped with this account's private key. The package is then
 * opened in the pipeline worker (authenticated whole, or refused) and its frame
 * comes back as a lossless PNG that joins the file list like a file the user
 * picked, so it is viewed and diagnosed as any loaded scan.
 *
 * Must never: show anything from a bundle or package that fails a check; keep the
 * content key after the call.
 */
import { wipeKey } from '../../../lib/keys/key';
import { openDownloadedBundle } from '../../../lib/sharing';
import type { StudySummary } from '../../../lib/serverClient';
import { appKeys, pipelineBridge } from '../../../platform/browser/workers/appWorkers';
import { loadUserFiles } from '../actions/loadFiles';
import { useFiles } from '../state/files';
import { reportError, sessionKeys } from './session';
import { slot, useServer } from './state';

/** The highest record version opened per study, this session: a lower one later is a rollback. */
const seenVersions = new Map<string, number>();

/** Opens a shared scan into the file list. True when it opened. */
export async function openSharedStudy(study: StudySummary): Promise<boolean> {
  const store = useServer.getState();
  const errorSlot = slot.open(study.uid);
  store.setError(errorSlot, null);
  store.setNotice(null);
  if (store.busy) return false;
  const me = store.account;
  if (!me) return false;
  store.setBusy('opening', study.uid);
  try {
    const { session, keys } = sessionKeys();
    // the owner's key from the directory: opening trusts the server to name the owner's key (as sharing does)
    const owner = await session.client.account(study.ownerName);
    const bundle = await session.client.retrieve(study.uid);
    const opened = await openDownloadedBundle(bundle, {
      me: { id: me.id, wrapKey: keys.wrapKey },
      ownerSignJwk: owner.signJwk,
      expectOwner: owner.id,
      expectStudy: study.uid,
      minVersion: seenVersions.get(study.uid),
    });
    const ring = appKeys();
    let shared;
    try {
      const handle = ring.registerKey(opened.contentKey);
      try {
        const pkg = opened.pkg;
        shared = await ring.call(pipelineBridge(), handle, 'unpackAsPng', [pkg, handle], { transfer: [pkg.buffer] });
      } finally {
        await ring.forgetKey(handle);
      }
    } finally {
      wipeKey(opened.contentKey);
    }
    seenVersions.set(study.uid, opened.header.version);
    const name = `shared-${study.uid.slice(-8)}.png`;
    const before = new Set(useFiles.getState().files.map((f) => f.id));
    await loadUserFiles([new File([shared.png as Uint8Array<ArrayBuffer>], name, { type: 'image/png' })]);
    const added = useFiles.getState().files.find((f) => !before.has(f.id));
    if (added) {
      // the PNG carries no modality: keep the package's, so a shared CT is still refused by a brain-MRI model
      if (shared.modality) useFiles.getState().update(added.id, { declaredModality: shared.modality });
      useFiles.getState().select(added.id);
    }
    const frames =
      shared.packageFrames > 1
        ? ` (of its ${shared.packageFrames} frames, the one ${study.ownerName} had on screen)`
        : '';
    useServer.getState().setNotice(`Opened the scan ${study.ownerName} shared${frames}: it is in your file list.`);
    return true;
  } catch (err) {
    reportError(errorSlot, err, 'open');
    return false;
  } finally {
    useServer.getState().setBusy(null);
  }
}
