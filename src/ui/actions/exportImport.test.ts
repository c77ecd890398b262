/**
 * Opening an encrypted PNG: whole or nothing. A key forgotten while it decrypts
 * means nothing is shown; pixels whose shape is not the header's are refused.
 * The BPE engine is replaced by the CPU gather and the pipeline worker by the
 * same reader called in place (no worker, no GPU here).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeEncryptedPng, encodeEncryptedPng } from '../../cipher/bpe/encryptedPng';
import { decryptionMap, gather } from '../../cipher/bpe/bpe';
import { planForKey } from '../../cipher/bpe/plan';
import { generateKey } from '../../keys/key';
import { useKey } from '../../state/key';
import { useResults } from '../../state/results';

const hooks = vi.hoisted(() => ({ duringDecrypt: () => {} }));
vi.mock('../services/compute', async () => {
  const plans = new WeakMap<object, Promise<unknown>>();
  return {
    MODEL_SIZE: 200,
    BLOCK_SIZE: 25,
    planFor: (key: object) => {
      if (!plans.has(key)) plans.set(key, planForKey(key as never));
      return plans.get(key);
    },
    runBpe: async (_gpu: boolean, plan: never, direction: string, data: Uint8Array) => {
      hooks.duringDecrypt();
      return { bytes: gather(direction === 'encrypt' ? plan : decryptionMap(plan), data) };
    },
  };
});
vi.mock('../../worker/bridge', () => ({
  pipelineBridge: () => ({
    call: async (method: string, args: unknown[]) => {
      if (method !== 'readEncryptedPng') throw new Error(`unexpected worker call ${method}`);
      return decodeEncryptedPng(...(args as Parameters<typeof decodeEncryptedPng>));
    },
  }),
}));
const { openProtectedFile } = await import('./exportImport');

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

  it('refuses an image that is not S x S before decoding it', async () => {
    await openProtectedFile(await encryptedPngFile(400, 100));
    expect(useResults.getState().opened).toBeNull();
    expect(useResults.getState().error).toMatch(/this image is 400 × 100; the page's encrypted images are 200 × 200/);
  });
});
