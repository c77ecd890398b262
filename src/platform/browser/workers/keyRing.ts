/**
 * The page's side of key handles (docs/ARCHITECTURE.md, "Workers", "Trust
 * boundaries"): a key is registered once (`registerKey(key) -> handle`) and calls
 * name the handle. Each worker gets the key at most once, just before the first
 * call that names it; a worker started afresh (idle shutdown, abort, crash) gets
 * it again the same way, lazily. `forgetKey(handle)` drops it here and in every
 * live worker, with what those derived from it (plans, adapted models).
 *
 * Must never: register a forgotten key again (a call naming its handle fails with
 * KeyForgottenError instead), log a key, or keep one after `forgetKey`.
 */
import type * as Comlink from 'comlink';
import type { CipherKey } from '../../../lib/keys/key';
import { KeyForgottenError } from '../../../lib/keys/key';
import type { KeyHandle, KeyHolderApi } from '../../../lib/keys/keyStore';
import type { CallOptions, WorkerBridge } from './bridge';

type AnyApi = Record<string, (...args: never[]) => unknown>;
type Method<Api> = keyof Api & string;
type Args<Api, M extends Method<Api>> = Api[M] extends (...a: infer A) => unknown ? A : never;
type Result<Api, M extends Method<Api>> = Api[M] extends (...a: never[]) => infer R ? Awaited<R> : never;

/** What the ring needs of a bridge: the worker's key calls. */
type KeyBridge = Pick<WorkerBridge<KeyHolderApi & AnyApi>, 'call'>;

export class KeyRing {
  private readonly keys = new Map<KeyHandle, CipherKey>();
  private readonly handles = new WeakMap<CipherKey, KeyHandle>();
  private readonly forgotten = new WeakSet<CipherKey>();
  /** per bridge: the worker (by number) and the handles it holds */
  private readonly held = new WeakMap<object, { worker: number; handles: Set<KeyHandle> }>();
  private next = 0;

  /** @param bridges every bridge that may hold a key (the registry's), for `forgetKey` */
  constructor(private readonly bridges: () => Iterable<object>) {}

  /** The key's handle (the same for the same key object); nothing is sent to a worker yet. */
  registerKey(key: CipherKey): KeyHandle {
    if (this.forgotten.has(key)) throw new KeyForgottenError();
    let handle = this.handles.get(key);
    if (!handle) {
      handle = `key-${++this.next}`;
      this.handles.set(key, handle);
      this.keys.set(handle, key);
    }
    return handle;
  }

  /** The key's handle if it is registered (and not forgotten). */
  handleOf(key: CipherKey): KeyHandle | undefined {
    return this.handles.get(key);
  }

  /**
   * Calls `method` on the bridge's worker with the key of `handle` registered there first (once per
   * worker). The handle goes in `args` where the method wants it; fails with KeyForgottenError when
   * the key was forgotten before the call's turn came.
   */
  call<Api extends KeyHolderApi & AnyApi, M extends Method<Api>>(
    bridge: WorkerBridge<Api>,
    handle: KeyHandle,
    method: M,
    args: Args<Api, M>,
    options: Omit<CallOptions<Api>, 'prepare'> = {},
  ): Promise<Result<Api, M>> {
    return bridge.call(method, args, {
      ...options,
      prepare: (api, worker) => this.ensureHeld(bridge, api as unknown as Comlink.Remote<KeyHolderApi>, worker, handle),
    });
  }

  /** Drops the key here and in every live worker (one that is not running holds nothing, and is not started). */
  async forgetKey(handle: KeyHandle): Promise<void> {
    const key = this.keys.get(handle);
    if (key) {
      this.keys.delete(handle);
      this.handles.delete(key);
      this.forgotten.add(key);
    }
    const bridges = [...this.bridges()] as KeyBridge[];
    for (const bridge of bridges) this.held.get(bridge)?.handles.delete(handle);
    // queued behind the calls already made, so none of them can register it again afterwards
    await Promise.all(bridges.map((b) => b.call('forgetKey', [handle], { onlyIfAlive: true }).catch(() => undefined)));
  }

  private async ensureHeld(
    bridge: object,
    api: Comlink.Remote<KeyHolderApi>,
    worker: number,
    handle: KeyHandle,
  ): Promise<void> {
    const key = this.keys.get(handle);
    if (!key) throw new KeyForgottenError();
    let held = this.held.get(bridge);
    if (held?.worker !== worker) {
      held = { worker, handles: new Set() };
      this.held.set(bridge, held);
    }
    if (held.handles.has(handle)) return;
    await api.registerKey(handle, key);
    held.handles.add(handle);
  }
}
