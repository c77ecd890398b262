/**
 * Keys held by handle, on the side that does the work (a worker, later a server
 * or a federated client; docs/ARCHITECTURE.md, "Workers" and "Trust boundaries"):
 * the key is registered once and every call refers to it by its handle, so it is
 * not copied into the worker on every call and the caches keyed by the CipherKey
 * object (sub-keys, package check keys, plans) hit from one call to the next.
 *
 * Must never: hand a key back to the caller, log it, or keep it after `forget`
 * (this Map holds the only reference on this side; what is keyed by the key
 * object in WeakMaps goes with it). The store owns the keys registered with it
 * (a worker's structured-clone copy): `forget` zeroes their bytes.
 */
import { KeyForgottenError, wipeKey, type CipherKey } from './key';

/** An opaque name for a key registered with a worker; never the key or its check value. */
export type KeyHandle = string;

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
    const previous = this.keys.get(handle);
    this.keys.set(handle, key);
    if (previous && previous !== key) wipeKey(previous);
  }

  /** The key of `handle`; KeyForgottenError when it is not (or no longer) held. */
  get(handle: KeyHandle): CipherKey {
    const key = this.keys.get(handle);
    if (!key) throw new KeyForgottenError();
    return key;
  }

  /** Drops the key and zeroes its bytes (calls on this side run one at a time: none is using it); true when it was held. */
  forget(handle: KeyHandle): boolean {
    const key = this.keys.get(handle);
    if (!key) return false;
    this.keys.delete(handle);
    wipeKey(key);
    return true;
  }

  get size(): number {
    return this.keys.size;
  }
}
