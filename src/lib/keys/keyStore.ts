/**
 * Keys held by handle, on the side that does the work (a worker, later a server
 * or a federated client; docs/ARCHITECTURE.md, "Workers" and "Trust boundaries"):
 * the key is registered once and every call refers to it by its handle, so it is
 * not copied into the worker on every call and the caches keyed by the CipherKey
 * object (sub-keys, package check keys, plans) hit from one call to the next.
 *
 * Must never: hand a key back to the caller, log it, or keep it after `forget`
 * (this Map holds the only reference on this side; what is keyed by the key
 * object in WeakMaps goes with it).
 */
import type { CipherKey } from './key';

/** An opaque name for a key registered with a worker; never the key or its check value. */
export type KeyHandle = string;

/** A call named a key this side does not hold: it was forgotten (Forget key, or a new key replaced it). */
export class KeyForgottenError extends Error {
  constructor() {
    super('this key was forgotten (Forget key, or a new key replaced it): make or load the key again');
    this.name = 'KeyForgottenError';
  }
}

/** The calls every key-holding worker exposes (the page's KeyRing makes them). */
export interface KeyHolderApi {
  registerKey(handle: KeyHandle, key: CipherKey): Promise<void>;
  forgetKey(handle: KeyHandle): Promise<void>;
  /** how many keys this side holds: 0 after Forget key (tests) */
  heldKeys(): Promise<number>;
}

export class KeyStore {
  private readonly keys = new Map<KeyHandle, CipherKey>();

  register(handle: KeyHandle, key: CipherKey): void {
    this.keys.set(handle, key);
  }

  /** The key of `handle`; KeyForgottenError when it is not (or no longer) held. */
  get(handle: KeyHandle): CipherKey {
    const key = this.keys.get(handle);
    if (!key) throw new KeyForgottenError();
    return key;
  }

  /** Drops the key; true when it was held. */
  forget(handle: KeyHandle): boolean {
    return this.keys.delete(handle);
  }

  get size(): number {
    return this.keys.size;
  }
}
