/**
 * Uploading the scan on screen to the hospital server (docs/server.md): the
 * package is made in the pipeline worker under a FRESH random content key
 * (`sealForUpload`), never under the user's own key — a package under the user's
 * key carries that key's check value, which would let the server test guesses at
 * a passphrase. The content key goes to the worker by handle for the one `pack`
 * call and is forgotten there and here right after; the owner keeps only their
 * own wrapped copy on the server.
 *
 * What leaves the browser: the AES-GCM package, the signed record (pseudonymous
 * UID, modality, frame count, sizes, hashes), the owner's wrapped key. No name,
 * no pixel. Cancel ends the worker's packing or the request, whichever runs.
 *
 * Must never: use the user's key; keep the content key after the upload.
 */
import { AbortError } from '../../../platform/browser/workers/bridge';
import { appKeys, pipelineBridge } from '../../../platform/browser/workers/appWorkers';
import type { PackedFile } from '../../../lib/cipher/package';
import { sealForUpload } from '../../../lib/sharing/sharedPackage';
import { selectedFile, useFiles, type ScanFile } from '../state/files';
import { readableError } from '../actions/loadFiles';
import { modalityCode, sentence } from './messages';
import { reportError, sessionKeys } from './session';
import { useServer } from './state';
import { refreshLists } from './studies';

let uploadWork: AbortController | null = null;

/** Stops the upload: the worker's packing, or the request on its way. Nothing is stored. */
export function cancelUpload(): void {
  uploadWork?.abort();
}

/** Packs one file under `contentKey` in the worker (every frame; the frame on screen alone when that fails). */
async function packInWorker(
  file: ScanFile,
  contentKey: Parameters<ReturnType<typeof appKeys>['registerKey']>[0],
  signal: AbortSignal,
): Promise<PackedFile> {
  const decoded = file.decoded!;
  const options = { frame: decoded.frame, voi: decoded.dicom?.voi };
  const ring = appKeys();
  const handle = ring.registerKey(contentKey);
  const pack = (which: 'all-frames' | 'chosen-frame') => {
    const copy = file.bytes.slice();
    return ring.call(pipelineBridge(), handle, 'pack', [copy, file.originalName, options, handle, which], {
      transfer: [copy.buffer],
      signal,
    });
  };
  try {
    try {
      return await pack('all-frames');
    } catch (err) {
      if (decoded.frames <= 1 || err instanceof AbortError || signal.aborted) throw err;
      return await pack('chosen-frame');
    }
  } finally {
    // the content key is for this one package: out of the worker (zeroed there) as soon as it is made
    await ring.forgetKey(handle);
  }
}

/** Uploads the selected scan. True when the server stored it. */
export async function uploadSelected(): Promise<boolean> {
  const store = useServer.getState();
  const file = selectedFile(useFiles.getState());
  store.setError('upload', null);
  store.setNotice(null);
  if (!file?.decoded) {
    store.setError('upload', 'Load a scan first: the one on screen is uploaded.');
    return false;
  }
  if (store.busy || uploadWork) return false;
  let keys;
  let session;
  try {
    ({ session, keys } = sessionKeys());
  } catch (err) {
    store.setError('upload', sentence(readableError(err)));
    return false;
  }
  const controller = new AbortController();
  uploadWork = controller;
  const { signal } = controller;
  store.setBusy('uploading');
  store.setUpload({ fileLabel: file.label, stage: 'sealing', bytesSent: 0, bytesTotal: 0 });
  try {
    const account = useServer.getState().account!;
    const sealed = await sealForUpload({
      packageFrom: async (contentKey) => {
        const packed = await packInWorker(file, contentKey, signal);
        return { pkg: packed.pkg, frames: packed.frames, modality: modalityCode(file.decoded?.dicom?.modality) };
      },
      owner: { id: account.id, signKey: keys.signKey, wrapJwk: keys.wrapJwk },
    });
    sealed.contentKey.fill(0); // the owner unwraps their own copy to share; nothing here needs it
    signal.throwIfAborted();
    useServer.getState().setUpload({
      fileLabel: file.label,
      stage: 'sending',
      bytesSent: 0,
      bytesTotal: sealed.bundle.length,
    });
    const result = await session.client.upload([sealed.bundle], {
      signal,
      onProgress: (p) =>
        useServer.getState().setUpload({
          fileLabel: file.label,
          stage: p.done === p.parts ? 'done' : 'sending',
          bytesSent: p.bytesSent,
          bytesTotal: p.bytesTotal,
        }),
    });
    if (result.failed.length > 0 || result.stored.length === 0) {
      useServer
        .getState()
        .setError('upload', `The server did not store it: ${result.failed[0]?.message ?? 'no reason given'}.`);
      return false;
    }
    useServer.getState().setNotice(`Uploaded ${file.label}: only its sealed package left this browser.`);
    await refreshLists();
    return true;
  } catch (err) {
    if (signal.aborted || err instanceof AbortError || (err as Error)?.name === 'AbortError') {
      useServer.getState().setNotice('Upload cancelled: nothing was stored.');
      return false;
    }
    reportError('upload', err);
    return false;
  } finally {
    if (uploadWork === controller) uploadWork = null;
    useServer.getState().setUpload(null);
    useServer.getState().setBusy(null);
  }
}
