/**
 * Opening an encrypted PNG: whole or nothing. A key forgotten while it decrypts
 * means nothing is shown; pixels whose shape is not the header's are refused.
 * The BPE engine is replaced by the CPU gather and the pipeline worker by the
 * same reader called in place (no worker, no GPU here).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeEncryptedPng } from '../../../lib/cipher/bpe/encryptedPng';
import { readEncryptedPng, type EncryptedPngRules } from '../../../lib/cipher/bpe/openEncryptedPng';
import { decryptionMap, gather } from '../../../lib/cipher/bpe/bpe';
import { planForKey } from '../../../lib/cipher/bpe/plan';
import { generateKey } from '../../../lib/keys/key';
import { useKey } from '../state/key';
import { useResults } from '../state/results';
import { selectedFile, useFiles } from '../state/files';

const hooks = vi.hoisted(() => ({
  duringDecrypt: () => {},
  duringRead: (): unknown => undefined,
  plansMade: 0,
  // the options of the last readEncryptedPng call (deadline, signal)
  readOptions: undefined as { signal?: AbortSignal; timeoutMs?: number } | undefined,
  // pack calls the worker saw, and how it answers them
  packCalls: [] as string[],
  pack: async (which: string): Promise<unknown> => ({ which }),
  saved: [] as string[],
}));
vi.mock('../services/compute', async () => {
  const plans = new WeakMap<object, Promise<unknown>>();
  return {
    MODEL_SIZE: 200,
    BLOCK_SIZE: 25,
    planFor: (key: object) => {
      hooks.plansMade++;
      if (!plans.has(key)) plans.set(key, planForKey(key as never));
      return plans.get(key);
    },
    forgetPlans: async () => {},
    runBpe: async (_gpu: boolean, plan: never, direction: string, data: Uint8Array) => {
      hooks.duringDecrypt();
      return { bytes: gather(direction === 'encrypt' ? plan : decryptionMap(plan), data) };
    },
  };
});
vi.mock('../../../platform/browser/workers/appWorkers', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../platform/browser/workers/appWorkers')>()),
  pipelineBridge: () => ({
    call: async (method: string, args: unknown[], options: { signal?: AbortSignal } = {}) => {
      if (method === 'pack') {
        const which = (args as string[])[4];
        hooks.packCalls.push(which);
        // as the real bridge: an abort ends the call with AbortError
        const aborted = new Promise((_, reject) => {
          const end = async () => reject(new (await import('../../../platform/browser/workers/bridge')).AbortError());
          if (options.signal?.aborted) void end();
          else options.signal?.addEventListener('abort', () => void end());
        });
        return Promise.race([hooks.pack(which), aborted]);
      }
      if (method !== 'readEncryptedPng') throw new Error(`unexpected worker call ${method}`);
      const [bytes, check, rules] = args as [Uint8Array, string, EncryptedPngRules];
      // the worker gets the key's public check value, never the key
      if (typeof check !== 'string') throw new Error('readEncryptedPng takes the key check value');
      hooks.readOptions = options;
      const { AbortError } = await import('../../../platform/browser/workers/bridge');
      if (options.signal?.aborted) throw new AbortError();
      // as the real bridge: an abort ends the call (and the worker) whatever the read is doing
      const aborted = new Promise((_, reject) =>
        options.signal?.addEventListener('abort', () => reject(new AbortError())),
      );
      return Promise.race([
        (async () => {
          await hooks.duringRead();
          return readEncryptedPng(bytes, check, rules);
        })(),
        aborted,
      ]);
    },
  }),
}));
vi.mock('../download', () => ({ saveBytes: (_b: Uint8Array, name: string) => void hooks.saved.push(name) }));
const { cancelPackageWork, exportPackage, openProtectedFile, ENCRYPTED_PNG_TIMEOUT_MS } =
  await import('./exportImport');

async function encryptedPngFile(width = 200, height = 200): Promise<File> {
  const key = useKey.getState().key!;
  const image = { width, height, data: new Uint8Array(width * height * 3).map((_, i) => i % 251) };
  return new File([new Uint8Array(encodeEncryptedPng(image, key, { imageSize: 200, blockSize: 25 }))], 'x.png');
}

describe('openProtectedFile (encrypted PNG)', () => {
  beforeEach(async () => {
    useKey.getState().setKey(await generateKey());
    useResults.getState().clearAll();
    hooks.duringDecrypt = () => {};
    hooks.duringRead = () => undefined;
    hooks.plansMade = 0;
    hooks.readOptions = undefined;
  });

  it('shows the decrypted image when the key stays', async () => {
    await openProtectedFile(await encryptedPngFile());
    expect(useResults.getState().opened?.kind).toBe('encrypted-png');
  });

  it('shows nothing when the key is forgotten while it decrypts', async () => {
    hooks.duringDecrypt = () => useKey.getState().forget();
    await openProtectedFile(await encryptedPngFile());
    expect(useResults.getState().opened).toBeNull();
  });

  it('makes no plan for a key forgotten while the worker reads the file (it would go back on the GPU)', async () => {
    hooks.duringRead = () => useKey.getState().forget();
    await openProtectedFile(await encryptedPngFile());
    expect(useResults.getState().opened).toBeNull();
    expect(hooks.plansMade).toBe(0);
  });

  it('reads in the worker under a deadline, and says so in words when it passes', async () => {
    await openProtectedFile(await encryptedPngFile());
    expect(hooks.readOptions?.timeoutMs).toBe(ENCRYPTED_PNG_TIMEOUT_MS);
    const { TimeoutError } = await import('../../../platform/browser/workers/bridge');
    hooks.duringRead = () => {
      throw new TimeoutError(ENCRYPTED_PNG_TIMEOUT_MS);
    };
    await openProtectedFile(await encryptedPngFile());
    expect(useResults.getState().opened).toBeNull();
    expect(useResults.getState().error).toBe(
      'Refused. Reading this file took longer than 20 s: it may be damaged. Nothing from this file is shown.',
    );
    expect(useResults.getState().busy).toBeNull();
  });

  it('shows what runs with a Cancel; Cancel ends the read: nothing shown, no error, not busy', async () => {
    hooks.duringRead = () => new Promise(() => {}); // a file the worker never finishes reading
    const running = openProtectedFile(await encryptedPngFile());
    await vi.waitFor(() => expect(hooks.readOptions).toBeDefined());
    // the Export panel shows the package-task status line and its Cancel for this work
    expect(useResults.getState().busy).toBe('opening-png');
    cancelPackageWork();
    await running;
    expect(useResults.getState().opened).toBeNull();
    expect(useResults.getState().error).toBeNull();
    expect(useResults.getState().busy).toBeNull();
  });

  it('Cancel while it decrypts shows nothing', async () => {
    hooks.duringDecrypt = () => cancelPackageWork();
    await openProtectedFile(await encryptedPngFile());
    expect(useResults.getState().opened).toBeNull();
    expect(useResults.getState().error).toBeNull();
  });

  it('refuses an image that is not S x S before decoding it', async () => {
    await openProtectedFile(await encryptedPngFile(400, 100));
    expect(useResults.getState().opened).toBeNull();
    expect(useResults.getState().error).toMatch(/this image is 400 × 100; the page's encrypted images are 200 × 200/);
  });
});

describe('exportPackage (multi-frame)', () => {
  const packed = (frames: number) => ({
    pkg: new Uint8Array(10),
    frames,
    rawBytes: 100,
    jpeg2000Bytes: 40,
    displayBytes: 0,
    metadataBytes: 20,
    format: 'dicom',
    frame: 1,
    fileFrames: 3,
  });
  beforeEach(async () => {
    useKey.getState().setKey(await generateKey());
    useResults.getState().clearAll();
    hooks.packCalls = [];
    hooks.saved = [];
    const [file] = useFiles
      .getState()
      .add([{ originalName: 'cine.dcm', source: 'upload', synthetic: false, bytes: new Uint8Array(64) }]);
    const image = { width: 2, height: 2, data: new Uint8Array(12) };
    useFiles.getState().update(file.id, { status: 'ready', decoded: { format: 'dicom', image, frames: 3, frame: 1 } });
    useFiles.getState().select(file.id);
  });

  it('packs every frame when it can', async () => {
    hooks.pack = async () => packed(3);
    await exportPackage();
    expect(hooks.packCalls).toEqual(['all-frames']);
    const file = selectedFile(useFiles.getState())!;
    expect(useResults.getState().byFile[file.id]?.package).toMatchObject({ frames: 3, note: undefined });
    expect(hooks.saved).toEqual([`${file.label}.csp`]);
  });

  it('falls back to the frame on screen, and says so, when every frame cannot be packed', async () => {
    hooks.pack = async (which) => {
      if (which === 'all-frames')
        throw Object.assign(
          new Error("this file's 3 frames hold 3000 MiB of samples, more than a package takes (1024 MiB)"),
          { name: 'PackageTooLargeError' },
        );
      return packed(1);
    };
    await exportPackage();
    expect(hooks.packCalls).toEqual(['all-frames', 'chosen-frame']);
    const file = selectedFile(useFiles.getState())!;
    expect(useResults.getState().byFile[file.id]?.package?.note).toMatch(
      /^frame 2 only: all 3 frames could not be packed \(this file's 3 frames hold 3000 MiB/,
    );
    expect(hooks.saved).toHaveLength(1);
    expect(useResults.getState().error).toBeNull();
  });

  it('Cancel stops packing: nothing saved, no error, not busy', async () => {
    hooks.pack = () => new Promise(() => {}); // never finishes on its own
    const running = exportPackage();
    await vi.waitFor(() => expect(hooks.packCalls).toEqual(['all-frames']));
    expect(useResults.getState().busy).toBe('packing');
    cancelPackageWork();
    await running;
    expect(hooks.packCalls).toEqual(['all-frames']); // no fallback to one frame after a cancel
    expect(hooks.saved).toEqual([]);
    expect(useResults.getState().error).toBeNull();
    expect(useResults.getState().busy).toBeNull();
  });

  it('one package task at a time: a file opened while packing is not touched; Forget key stops the packing', async () => {
    hooks.pack = () => new Promise(() => {});
    const running = exportPackage();
    await vi.waitFor(() => expect(hooks.packCalls).toHaveLength(1));
    // the mocked worker refuses 'unpack': reaching it would set an error
    await openProtectedFile(new File([new Uint8Array([0x43, 0x53, 0x50, 0x4b, 3])], 'x.csp'));
    expect(useResults.getState().error).toBeNull();
    expect(useResults.getState().busy).toBe('packing');
    const { forgetKey } = await import('./keyActions');
    forgetKey();
    await running;
    expect(useResults.getState().busy).toBeNull();
    expect(hooks.saved).toEqual([]);
    expect(hooks.packCalls).toHaveLength(1);
  });
});
