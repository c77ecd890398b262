/**
 * Forget key and a new key wipe the page's key object (issue 19, key lifetime): its
 * bytes are zeroed once the ring stopped handing it out, and any later use of it
 * fails with KeyForgottenError. Exporting the key file works until then.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyForgottenError, type CipherKey } from '../../../lib/keys/key';
import { exportKeyFile } from '../../../lib/keys/keyFile';
import { toBase64 } from '../../../lib/bytes/bytes';
import { appKeys } from '../../../platform/browser/workers/appWorkers';
import { useKey } from '../state/key';

const saved = vi.hoisted(() => ({ texts: [] as string[] }));
vi.mock('../download', () => ({ saveText: (text: string) => void saved.texts.push(text), saveBytes: () => {} }));
const { exportKey, forgetKey, newRandomKey } = await import('./keyActions');

const allZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

async function installedKey(): Promise<CipherKey> {
  await newRandomKey();
  return useKey.getState().key!;
}

describe('key lifetime in the page', () => {
  beforeEach(() => {
    saved.texts = [];
  });

  it('exports the key file before Forget key; afterwards the old key object is zeroes and refused', async () => {
    const key = await installedKey();
    const bytes = key.master.slice();
    appKeys().registerKey(key); // as a pack or a diagnosis would
    exportKey();
    expect(saved.texts).toHaveLength(1);
    expect(saved.texts[0]).toContain(toBase64(bytes));
    forgetKey();
    expect(useKey.getState().key).toBeNull();
    expect(allZero(key.master)).toBe(true);
    expect(() => exportKeyFile(key)).toThrow(KeyForgottenError);
    expect(() => appKeys().registerKey(key)).toThrow(KeyForgottenError);
    exportKey(); // no key: nothing saved
    expect(saved.texts).toHaveLength(1);
  });

  it('a new key wipes the one it replaces and keeps its own bytes', async () => {
    const first = await installedKey();
    const second = await installedKey();
    expect(second).not.toBe(first);
    expect(allZero(first.master)).toBe(true);
    expect(allZero(second.master)).toBe(false);
    exportKey();
    expect(saved.texts[0]).toContain(toBase64(second.master));
  });
});
