/**
 * Key actions: make, derive, import and export the key. Argon2id runs in the
 * pipeline worker so the spinner keeps turning. A new key clears every result
 * made with the old one.
 *
 * Must never: write the key to storage or the console; the only way out of the
 * page is the key file the user explicitly exports.
 */
import { generateKey, wipeKey, type CipherKey } from '../../../lib/keys/key';
import { exportKeyFile, keyFileNeedsPassphrase, parseKeyFile } from '../../../lib/keys/keyFile';
import { useFiles } from '../state/files';
import { useKey } from '../state/key';
import { useResults } from '../state/results';
import { appKeys, pipelineBridge } from '../../../platform/browser/workers/appWorkers';
import { saveText } from '../download';
import { readableError } from './loadFiles';
import { forgetPlans } from '../services/compute';
import { cancelPackageWork } from './exportImport';
import { keyReplacementLoss, type ConfirmReplace } from './replaceKey';

/**
 * The workers' copies of a key the page no longer uses (forgotten, or replaced by another key object):
 * each live worker drops it and what it derived from it (plans, adapted models).
 */
function forgetInWorkers(key: CipherKey | null): void {
  const handle = key && appKeys().handleOf(key);
  if (handle) void appKeys().forgetKey(handle);
}

/**
 * Forgets a key the page no longer uses and zeroes its bytes. The ring stops handing it to workers at once
 * (forgetKey drops it before its first await; a registration already sent holds its own copy, which that
 * worker's KeyStore zeroes when the forget reaches it); the page's own work started with it took its bytes
 * when it began (a plan, a registration) and drops its result (keyReplaced). Any later use of this object
 * fails with KeyForgottenError.
 */
function retire(key: CipherKey | null): void {
  if (!key) return;
  forgetInWorkers(key);
  wipeKey(key);
}

/**
 * Everything tied to the key that was in use, dropped when it is forgotten or replaced: package work in the
 * worker (it holds the key), results, encrypted states, and the GPU engines' plan tables.
 */
function dropKeyWork(): void {
  cancelPackageWork();
  useResults.getState().clearAll();
  useFiles.getState().resetEncrypted();
  void forgetPlans();
}

function install(key: CipherKey, ms?: number): void {
  const previous = useKey.getState().key;
  useKey.getState().setKey(key, ms);
  if (previous !== key) retire(previous); // the same key again is a new object: its own handle and bytes
  if (previous?.check !== key.check) dropKeyWork();
  if (ms !== undefined) useResults.getState().time('derive key', ms);
}

/**
 * Installs a key made in the worker (passphrase, key file), but first asks `confirm` when it would replace a
 * different key that has work; declined, the new key is wiped and everything stays. True when installed.
 */
async function installAsked(key: CipherKey, ms: number | undefined, confirm?: ConfirmReplace): Promise<boolean> {
  const previous = useKey.getState().key;
  const loss = previous && previous.check !== key.check ? keyReplacementLoss() : null;
  if (loss && confirm) {
    useKey.getState().setBusy(null); // the key is made: the spinner stops while the dialog asks
    if (!(await confirm(loss))) {
      wipeKey(key);
      return false;
    }
  }
  install(key, ms);
  return true;
}

export async function newRandomKey(): Promise<void> {
  useKey.getState().setBusy('generating');
  try {
    install(await generateKey());
  } catch (err) {
    useKey.getState().setError(readableError(err));
  }
}

/**
 * Derives and installs the key; true when it did (the form then drops the passphrase: it IS the key).
 * `confirm` is asked before it replaces a different key that has work (replaceKey.ts).
 */
export async function keyFromPassphrase(passphrase: string, confirm?: ConfirmReplace): Promise<boolean> {
  if (!passphrase) {
    useKey.getState().setError('type a passphrase first');
    return false;
  }
  useKey.getState().setBusy('deriving');
  const t0 = performance.now();
  try {
    const key = await pipelineBridge().call('deriveKey', [passphrase]);
    return await installAsked(key, performance.now() - t0, confirm);
  } catch (err) {
    useKey.getState().setError(readableError(err));
    return false;
  }
}

/** Whether a key file needs its passphrase; throws a readable error for a file that is not a key file. */
export function keyFileWantsPassphrase(text: string): boolean {
  parseKeyFile(text);
  return keyFileNeedsPassphrase(text);
}

/** Opens a key file and installs its key; `confirm` is asked before it replaces a different key that has work. */
export async function importKey(text: string, passphrase?: string, confirm?: ConfirmReplace): Promise<void> {
  useKey.getState().setBusy('importing');
  const t0 = performance.now();
  try {
    const key = await pipelineBridge().call('importKey', [text, passphrase]);
    await installAsked(key, passphrase !== undefined ? performance.now() - t0 : undefined, confirm);
  } catch (err) {
    const e = err as Error;
    // WrongKeyError crosses the worker as a plain error; its name survives.
    useKey
      .getState()
      .setError(
        e?.name === 'WrongKeyError' ? 'wrong key: the passphrase does not match this key file' : readableError(err),
      );
  }
}

export function exportKey(): void {
  const key = useKey.getState().key;
  if (!key) return;
  saveText(exportKeyFile(key), 'cipherscan-key.json', 'application/json');
}

export function forgetKey(): void {
  const previous = useKey.getState().key;
  useKey.getState().forget();
  retire(previous);
  dropKeyWork();
}
