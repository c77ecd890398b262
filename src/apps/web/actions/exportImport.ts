/**
 * Exports (encrypted PNG, decrypted PNG, AES package) and opening a package or an
 * encrypted PNG with the current key. Export names are neutral — "scan-2-encrypted.png",
 * never the original file name, because DICOM file names often carry a patient's
 * name or ID. Opening is all-or-nothing: a tampered file or wrong key shows an
 * error and no pixels.
 *
 * Must never: write identifying DICOM attributes or the original file name into an export.
 */
import { encodeEncryptedPng } from '../../../lib/cipher/bpe/encryptedPng';
import { packageFootprint } from '../../../lib/cipher/package';
import { AbortError, TimeoutError } from '../../../platform/browser/workers/bridge';
import { appKeys, pipelineBridge } from '../../../platform/browser/workers/appWorkers';
import { openEncryptedPng as openEncryptedPngFile } from '../../../lib/cipher/bpe/openEncryptedPng';
import { encodeRgbPng } from '../../../lib/image/png';
import type { RgbImage } from '../../../lib/image/rgb';
import { bytesEqual } from '../../../lib/bytes/bytes';
import type { CipherKey } from '../../../lib/keys/key';
import { selectedFile, useFiles } from '../state/files';
import { keyReplaced, useKey } from '../state/key';
import { useResults, type Work } from '../state/results';
import { useSettings } from '../state/settings';
import { saveBytes } from '../download';
import { BLOCK_SIZE, MODEL_SIZE, planFor, runBpe } from '../services/compute';
import { readableError } from './loadFiles';

function current() {
  const file = selectedFile(useFiles.getState());
  const key = useKey.getState().key;
  const r = file ? useResults.getState().byFile[file.id] : undefined;
  return { file, key, r };
}

function fail(what: string, err: unknown): void {
  // a cancel the user asked for is not a failure
  if (err instanceof AbortError) return;
  useResults.getState().setError(`${what}: ${readableError(err)}`);
}

// Making or opening a package (JPEG 2000 of every frame) can take long on a large series, and opening someone
// else's encrypted PNG reads hostile input in the pipeline worker: one such task at a time (the panel disables
// the others meanwhile), and each can be cancelled.
let packageWork: AbortController | null = null;

/**
 * How long the pipeline worker may spend reading an encrypted PNG (IHDR, bounded inflate, header): well under
 * a second for the page's 200 x 200 images, so past this the file is hostile or damaged and the worker is
 * ended (the bridge terminates it), which frees the queue for the calls behind it.
 */
export const ENCRYPTED_PNG_TIMEOUT_MS = 20_000;

/** Whether a package or encrypted PNG is being made or opened (the panel disables the other such actions meanwhile). */
export function isPackageBusy(busy: Work | null): boolean {
  return busy === 'packing' || busy === 'opening' || busy === 'opening-png';
}

/** Runs one package task with its own abort signal; `busy` shows it until it ends. Refused while another runs. */
async function packageTask(
  work: 'packing' | 'opening' | 'opening-png',
  run: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  if (packageWork) return;
  const controller = new AbortController();
  packageWork = controller;
  useResults.getState().setBusy(work);
  try {
    await run(controller.signal);
  } finally {
    if (packageWork === controller) packageWork = null;
    useResults.getState().setBusy(null);
  }
}

/** Stops the package (or encrypted PNG) being made or opened (ends the worker's work; nothing is saved or shown). Forget key calls it too. */
export function cancelPackageWork(): void {
  packageWork?.abort();
}

export function exportEncryptedPng(): void {
  const { file, key, r } = current();
  if (!file || !key || !r?.encrypted) return;
  saveBytes(
    encodeEncryptedPng(r.encrypted, key, { imageSize: MODEL_SIZE, blockSize: BLOCK_SIZE }),
    `${file.label}-encrypted.png`,
    'image/png',
  );
}

/** Decrypts the encrypted image again (same engine), checks it equals the original bit for bit, and saves it. */
export async function exportDecryptedPng(): Promise<void> {
  const { file, key, r } = current();
  if (!file || !key || !r?.encrypted || !file.modelInput) return;
  useResults.getState().setBusy('decrypting');
  try {
    const { bytes: data } = await runBpe(
      useSettings.getState().preferGpu,
      await planFor(key),
      'decrypt',
      r.encrypted.data,
    );
    const decrypted: RgbImage = { width: r.encrypted.width, height: r.encrypted.height, data };
    if (keyReplaced(key)) return; // forgotten or replaced meanwhile: nothing shown or saved
    if (!bytesEqual(decrypted.data, file.modelInput.data))
      throw new Error('the decrypted image does not match the original (this is a bug)');
    useResults.getState().patch(file.id, { decrypted });
    saveBytes(encodeRgbPng(decrypted), `${file.label}-decrypted.png`, 'image/png');
  } catch (err) {
    fail('decryption failed', err);
  } finally {
    useResults.getState().setBusy(null);
  }
}

export async function exportPackage(): Promise<void> {
  const { file, key } = current();
  if (!file?.decoded || !key) return;
  const decoded = file.decoded;
  await packageTask('packing', async (signal) => {
    try {
      const t0 = performance.now();
      // every frame, with the grey levels on screen; JPEG 2000 of a large scan takes seconds: in the worker, not on the page
      const options = { frame: decoded.frame, voi: decoded.dicom?.voi };
      const handle = appKeys().registerKey(key);
      const pack = (which: 'all-frames' | 'chosen-frame') => {
        const copy = file.bytes.slice();
        return appKeys().call(pipelineBridge(), handle, 'pack', [copy, file.originalName, options, handle, which], {
          transfer: [copy.buffer],
          signal,
        });
      };
      let note: string | undefined;
      let packed;
      try {
        packed = await pack('all-frames');
      } catch (err) {
        // too many frames for one package, or another frame that will not decode: the frame on screen alone is still worth keeping
        if (keyReplaced(key)) return;
        if (decoded.frames <= 1 || err instanceof AbortError) throw err;
        packed = await pack('chosen-frame');
        note = `frame ${decoded.frame + 1} only: all ${decoded.frames} frames could not be packed (${readableError(err)})`;
      }
      if (keyReplaced(key)) return;
      useResults.getState().time('pack', performance.now() - t0);
      const footprint = packageFootprint(file.bytes.length, packed);
      useResults.getState().patch(file.id, {
        package: {
          originalBytes: footprint.originalBytes,
          rawBytes: footprint.rawBytes,
          frames: packed.frames,
          compressedBytes: footprint.jpeg2000Bytes,
          packageBytes: footprint.packageBytes,
          note,
        },
      });
      saveBytes(packed.pkg, `${file.label}.csp`, 'application/octet-stream');
    } catch (err) {
      fail('packaging failed', err);
    }
  });
}

function findMatchingFile(image: RgbImage): string | null {
  for (const f of useFiles.getState().files) {
    const candidates = [f.decoded?.image, f.modelInput];
    if (
      candidates.some(
        (c) => c && c.width === image.width && c.height === image.height && bytesEqual(c.data, image.data),
      )
    )
      return f.id;
  }
  return null;
}

/** Shows another frame of the opened package (its position in the package): decrypted and decoded again in the worker. */
export async function showOpenedFrame(position: number): Promise<void> {
  const opened = useResults.getState().opened;
  const key = useKey.getState().key;
  if (!opened?.frames || !key || position === opened.frames.position) return;
  const { pkg } = opened.frames;
  await packageTask('opening', async (signal) => {
    try {
      const copy = pkg.slice();
      const handle = appKeys().registerKey(key);
      const frame = await appKeys().call(pipelineBridge(), handle, 'unpack', [copy, handle, position], {
        transfer: [copy.buffer],
        signal,
      });
      // another file opened, or the key forgotten, meanwhile: nothing to show
      if (keyReplaced(key) || useResults.getState().opened?.frames?.pkg !== pkg) return;
      useResults.getState().setOpened({
        ...opened,
        image: frame.image,
        matchesFileId: findMatchingFile(frame.image),
        frames: { ...opened.frames!, position },
      });
    } catch (err) {
      fail('opening that frame failed', err);
    }
  });
}

/** Opens an AES package (.csp) or an encrypted PNG with the current key; shows it only when it opens whole. */
export async function openProtectedFile(file: File): Promise<void> {
  const key = useKey.getState().key;
  const results = useResults.getState();
  if (packageWork) return; // a package is being made or opened: the panel offers Cancel first
  results.setOpened(null);
  if (!key) {
    results.setError('make or load the key first: opening a protected file needs it');
    return;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const refused = (err: unknown) => {
    if (err instanceof AbortError) return; // cancelled: nothing shown, nothing to report
    const e = err as Error;
    const message =
      e?.name === 'WrongKeyError'
        ? 'Wrong key: this file was made with another key.'
        : err instanceof TimeoutError
          ? `Reading this file ${err.message}: it may be damaged.`
          : readableError(err);
    results.setError(`Refused. ${message} Nothing from this file is shown.`);
  };
  results.setError(null);
  if (isPng) {
    await packageTask('opening-png', async (signal) => {
      try {
        await openEncryptedPng(bytes, key, signal);
      } catch (err) {
        refused(err);
      }
    });
    return;
  }
  await packageTask('opening', async (signal) => {
    try {
      const t0 = performance.now();
      // the page keeps the (encrypted) package to show its other frames on request; the worker gets a copy
      const copy = bytes.slice();
      const handle = appKeys().registerKey(key);
      const opened = await appKeys().call(pipelineBridge(), handle, 'unpack', [copy, handle], {
        transfer: [copy.buffer],
        signal,
      });
      if (keyReplaced(key)) return;
      results.time('unpack', performance.now() - t0);
      const details = Object.entries(opened.metadata as unknown as Record<string, unknown>)
        .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
        .map(([k, v]) => `${k}: ${String(v)}`);
      const fileFrames = opened.metadata.source.frames;
      if (opened.frameNumbers.length === 1 && fileFrames > 1)
        details.push(
          `frame ${opened.metadata.source.frame + 1} of the file's ${fileFrames} (the package holds this one only)`,
        );
      const frames =
        opened.frameNumbers.length > 1
          ? { fileFrames, numbers: opened.frameNumbers, position: opened.position, pkg: bytes }
          : undefined;
      results.setOpened({
        kind: 'package',
        image: opened.image,
        details,
        matchesFileId: findMatchingFile(opened.image),
        frames,
      });
    } catch (err) {
      refused(err);
    }
  });
}

/**
 * An encrypted PNG, by the one use-case (lib/cipher/bpe/openEncryptedPng.ts): read in the worker (sizes from
 * the IHDR, header checked against the key's check value), decrypted with BPE on the page's engine.
 */
async function openEncryptedPng(bytes: Uint8Array, key: CipherKey, signal: AbortSignal): Promise<void> {
  // the page's encrypted images are S x S with the header: anything else is refused before it is decoded
  const rules = { geometry: { imageSize: MODEL_SIZE, blockSize: BLOCK_SIZE }, requireHeader: true, reader: 'the page' };
  const opened = await openEncryptedPngFile(bytes, key, rules, {
    // Cancel or the deadline ends the worker mid-read (a hostile file must not hold the queue)
    read: (b, check, r) =>
      pipelineBridge().call('readEncryptedPng', [b, check, r], {
        transfer: [b.buffer],
        signal,
        timeoutMs: ENCRYPTED_PNG_TIMEOUT_MS,
      }),
    plan: (k) => planFor(k), // the page's plan cache: one geometry, the rules' own
    // 200 x 200 on the page's engine: milliseconds, not interruptible; a Cancel meanwhile shows nothing
    decrypt: async (plan, image) => (await runBpe(useSettings.getState().preferGpu, plan, 'decrypt', image.data)).bytes,
    // forgotten or cancelled meanwhile: no plan may be made (or put on the GPU) for it again, nothing shown
    stillWanted: () => !keyReplaced(key) && !signal.aborted,
  });
  if (!opened) return;
  useResults.getState().setOpened({
    kind: 'encrypted-png',
    image: opened.image,
    details: [`scheme ${opened.scheme}`, `S=${opened.geometry.imageSize}, B=${opened.geometry.blockSize}`],
    matchesFileId: findMatchingFile(opened.image),
  });
}
