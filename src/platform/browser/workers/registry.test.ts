import { afterEach, describe, expect, it } from 'vitest';
import { KeyStore, type KeyHandle } from '../../../lib/keys/keyStore';
import type { CipherKey } from '../../../lib/keys/key';
import { AbortError } from './bridge';
import { exposeWorkerApi } from './exposeApi';
import { KeyRing } from './keyRing';
import { WorkerRegistry } from './registry';

/**
 * Stand-in workers (as in bridge.test.ts): a MessageChannel whose far end exposes,
 * through the real error wrapper, an API that holds keys in a real KeyStore, as the
 * pipeline and inference workers do. `terminate` closes the channel.
 */
function fakeWorkers() {
  const stores: KeyStore[] = [];
  const create = () => {
    const keys = new KeyStore();
    stores.push(keys);
    const { port1, port2 } = new MessageChannel();
    const api = {
      async registerKey(handle: KeyHandle, key: CipherKey) {
        keys.register(handle, key);
      },
      async forgetKey(handle: KeyHandle) {
        keys.forget(handle);
      },
      async heldKeys() {
        return keys.size;
      },
      async checkOf(handle: KeyHandle) {
        return keys.get(handle).check;
      },
      async wait(ms: number) {
        await new Promise((r) => setTimeout(r, ms));
        return ms;
      },
    };
    exposeWorkerApi(api, port1);
    port2.start();
    return Object.assign(port2, {
      terminate() {
        port1.close();
        port2.close();
      },
    }) as unknown as Worker;
  };
  return { create, stores };
}

type FakeApi = {
  registerKey(handle: KeyHandle, key: CipherKey): Promise<void>;
  forgetKey(handle: KeyHandle): Promise<void>;
  heldKeys(): Promise<number>;
  checkOf(handle: KeyHandle): Promise<string>;
  wait(ms: number): Promise<number>;
};

const key = (check: string): CipherKey => ({ master: new Uint8Array(32), origin: 'random', check });

describe('WorkerRegistry', () => {
  const registries: WorkerRegistry<{ a: FakeApi; b: FakeApi }>[] = [];
  const make = (idleTimeoutMs = 60_000, poolSize = 1) => {
    const a = fakeWorkers();
    const b = fakeWorkers();
    const registry = new WorkerRegistry<{ a: FakeApi; b: FakeApi }>({
      a: { create: a.create, idleTimeoutMs, poolSize },
      b: { create: b.create, idleTimeoutMs },
    });
    registries.push(registry);
    return { registry, a, b };
  };
  afterEach(() => {
    registries.forEach((r) => r.terminateAll());
    registries.length = 0;
  });

  it('named lookup returns the same bridge, one per name, and starts no worker until a call', async () => {
    const { registry, a, b } = make();
    expect(registry.bridge('a')).toBe(registry.bridge('a'));
    expect(registry.bridge('a')).not.toBe(registry.bridge('b'));
    expect(a.stores).toHaveLength(0);
    expect(await registry.bridge('a').call('wait', [1])).toBe(1);
    expect(a.stores).toHaveLength(1);
    expect(b.stores).toHaveLength(0);
  });

  it('shuts a worker down after the idle time, and a call after that starts a fresh one', async () => {
    const { registry, a } = make(50);
    const bridge = registry.bridge('a');
    await bridge.call('wait', [1]);
    expect(bridge.alive).toBe(true);
    await new Promise((r) => setTimeout(r, 120));
    expect(bridge.alive).toBe(false);
    expect(await registry.bridge('a').call('wait', [2])).toBe(2);
    expect(a.stores).toHaveLength(2);
  });

  it('spreads calls over a pool: the least busy worker takes the next one', async () => {
    const { registry, a } = make(60_000, 2);
    expect(registry.pool('a')).toHaveLength(2);
    const first = registry.pick('a').call('wait', [40]);
    const second = registry.pick('a').call('wait', [1]);
    expect(await Promise.all([first, second])).toEqual([40, 1]);
    expect(a.stores).toHaveLength(2);
  });

  it('terminateAll ends every worker; a call in flight fails instead of waiting for ever', async () => {
    const { registry } = make();
    const inFlight = registry.bridge('a').call('wait', [60_000]);
    await registry.bridge('b').call('wait', [1]);
    await new Promise((r) => setTimeout(r, 10));
    registry.terminateAll();
    await expect(inFlight).rejects.toBeInstanceOf(AbortError);
    expect(registry.bridges().some((b) => b.alive)).toBe(false);
  });
});

describe('KeyRing', () => {
  const setup = (idleTimeoutMs = 60_000) => {
    const a = fakeWorkers();
    const b = fakeWorkers();
    const registry = new WorkerRegistry<{ a: FakeApi; b: FakeApi }>({
      a: { create: a.create, idleTimeoutMs },
      b: { create: b.create, idleTimeoutMs },
    });
    const ring = new KeyRing(() => registry.bridges());
    return { registry, ring, a, b };
  };
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('registers a key once per worker and calls refer to it by handle', async () => {
    const { registry, ring, a } = setup();
    cleanup = () => registry.terminateAll();
    const k = key('aaaa');
    const handle = ring.registerKey(k);
    expect(ring.registerKey(k)).toBe(handle);
    expect(handle).not.toContain('aaaa'); // a handle says nothing about the key
    expect(await ring.call(registry.bridge('a'), handle, 'checkOf', [handle])).toBe('aaaa');
    expect(await ring.call(registry.bridge('a'), handle, 'checkOf', [handle])).toBe('aaaa');
    expect(await registry.bridge('a').call('heldKeys', [])).toBe(1);
    expect(a.stores).toHaveLength(1);
  });

  it('after Forget key: no worker holds it, and a call with the old handle fails with a clear error', async () => {
    const { registry, ring } = setup();
    cleanup = () => registry.terminateAll();
    const k = key('bbbb');
    const handle = ring.registerKey(k);
    await ring.call(registry.bridge('a'), handle, 'checkOf', [handle]);
    await ring.call(registry.bridge('b'), handle, 'checkOf', [handle]);
    await ring.forgetKey(handle);
    expect(await registry.bridge('a').call('heldKeys', [])).toBe(0);
    expect(await registry.bridge('b').call('heldKeys', [])).toBe(0);
    await expect(ring.call(registry.bridge('a'), handle, 'checkOf', [handle])).rejects.toThrow(
      /this key was forgotten/,
    );
    // the worker refuses the handle too, with the error's name kept across the boundary
    await expect(registry.bridge('b').call('checkOf', [handle])).rejects.toMatchObject({
      name: 'KeyForgottenError',
    });
    // a forgotten key is never registered again
    expect(() => ring.registerKey(k)).toThrow(/this key was forgotten/);
  });

  it('a replaced key: the old one forgotten, the new one registered; workers hold only the new one', async () => {
    const { registry, ring } = setup();
    cleanup = () => registry.terminateAll();
    const old = ring.registerKey(key('old0'));
    await ring.call(registry.bridge('a'), old, 'checkOf', [old]);
    const next = ring.registerKey(key('new0'));
    await ring.forgetKey(old);
    expect(await ring.call(registry.bridge('a'), next, 'checkOf', [next])).toBe('new0');
    expect(await registry.bridge('a').call('heldKeys', [])).toBe(1);
  });

  it('a worker restarted after idle shutdown gets the key again on its first keyed call', async () => {
    const { registry, ring, a } = setup(50);
    cleanup = () => registry.terminateAll();
    const handle = ring.registerKey(key('cccc'));
    await ring.call(registry.bridge('a'), handle, 'checkOf', [handle]);
    await new Promise((r) => setTimeout(r, 120));
    expect(registry.bridge('a').alive).toBe(false);
    expect(await ring.call(registry.bridge('a'), handle, 'checkOf', [handle])).toBe('cccc');
    expect(a.stores).toHaveLength(2);
    expect(a.stores[1].size).toBe(1);
  });

  it('a worker restarted after an abort gets the key again', async () => {
    const { registry, ring } = setup();
    cleanup = () => registry.terminateAll();
    const handle = ring.registerKey(key('dddd'));
    const controller = new AbortController();
    const slow = ring.call(registry.bridge('a'), handle, 'wait', [5_000], { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(slow).rejects.toBeInstanceOf(AbortError);
    expect(await ring.call(registry.bridge('a'), handle, 'checkOf', [handle])).toBe('dddd');
  });

  it('a forget made while a keyed call waits in the queue: that call fails, no worker keeps the key', async () => {
    const { registry, ring, a } = setup();
    cleanup = () => registry.terminateAll();
    const handle = ring.registerKey(key('eeee'));
    const busy = registry.bridge('a').call('wait', [30]); // starts the worker; the keyed call queues behind it
    const queued = ring.call(registry.bridge('a'), handle, 'checkOf', [handle]);
    const forgetting = ring.forgetKey(handle);
    await busy;
    await expect(queued).rejects.toThrow(/this key was forgotten/);
    await forgetting;
    expect(a.stores[0].size).toBe(0);
  });
});

describe('forgetting a key starts no worker', () => {
  it('a worker that ended (abort, idle) is not started again just to forget', async () => {
    const a = fakeWorkers();
    const registry = new WorkerRegistry<{ a: FakeApi }>({ a: { create: a.create } });
    const ring = new KeyRing(() => registry.bridges());
    const handle = ring.registerKey(key('ffff'));
    const controller = new AbortController();
    const slow = ring.call(registry.bridge('a'), handle, 'wait', [5_000], { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    const forgetting = ring.forgetKey(handle); // queued behind the call that is about to be cancelled
    controller.abort();
    await expect(slow).rejects.toBeInstanceOf(AbortError);
    await forgetting;
    expect(registry.bridge('a').alive).toBe(false);
    expect(a.stores).toHaveLength(1);
    registry.terminateAll();
  });
});
