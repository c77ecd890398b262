/**
 * What replacing the key in use would lose: the encrypted results made with it (they are dropped) and
 * the files exported with it (they open only with that key). The key panel asks before a replacement
 * that would lose something, whichever way the new key comes (random, passphrase, key file); the
 * replacement itself is keyActions' own.
 */
import { useFiles } from '../state/files';
import { useKey } from '../state/key';
import { useResults } from '../state/results';

export interface ReplacementLoss {
  /** scans with an encrypted image made with the current key */
  encrypted: number;
  /** AES packages exported with it */
  packages: number;
}

/** null when nothing would be lost (no key yet, or nothing made with it). */
export function keyReplacementLoss(): ReplacementLoss | null {
  if (!useKey.getState().key) return null;
  const byFile = useResults.getState().byFile;
  const ids = useFiles.getState().files.map((f) => f.id);
  const encrypted = ids.filter((id) => byFile[id]?.encrypted).length;
  const packages = ids.filter((id) => byFile[id]?.package).length;
  return encrypted + packages > 0 ? { encrypted, packages } : null;
}

/** Where a replacing key comes from (the dialog says which). */
export type KeySource = 'random' | 'passphrase' | 'key file';

/**
 * Asks the user whether a new key may replace the one in use, given what it would lose: resolves true to
 * replace, false to keep everything. A passphrase or key-file key is asked about once it is made, and only
 * when it differs from the key in use (the same passphrase again replaces nothing).
 */
export type ConfirmReplace = (loss: ReplacementLoss) => Promise<boolean>;
