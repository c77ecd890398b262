import * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError, TimeoutError, WorkerBridge, WorkerCrashedError } from './bridge';

/**
 * A stand-in worker: a MessageChannel whose far end exposes a fake API with the
 * same method names as the pipeline worker. `terminate` closes the channel, as
 * Worker.terminate would end the thread.
 */
function fakeWorkerFactory(log: string[]) {
  let created = 0;
  const factory = () => {
    created++;
    const { port1, port2 } = new MessageChannel();
    const api = {
      async decode(_bytes: Uint8Array, name: string, _options: object, delayMs: number) {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, delayMs));
        log.push(`end ${name}`);
        return { decoded: { name }, modelInput: null, ms: delayMs };
      },
      async deriveKey(passphrase: string) {
        if (!passphrase) throw new Error('the passphrase is empty');
        return { check: 'x' };
      },
      async importKey() {
        return { check: 'y' };
      },
    };
    Comlink.expose(api, port1);
    port2.start();
    return Object.assign(port2, {
      terminate() {
        port1.close();
        port2.close();
      },
    }) as unknown as Worker;
  };
  return { factory, created: () => created };
}

describe('WorkerBridge', () => {
  const bridges: WorkerBridge[] = [];
  afterEach(() => {
    bridges.forEach((b) => b.terminate());
    bridges.length = 0;
    vi.useRealTimers();
  });

  it('runs calls one at a time, in order', async () => {
    const log: string[] = [];
    const { factory } = fakeWorkerFactory(log);
    const bridge = new WorkerBridge(factory);
    bridges.push(bridge);
    const a = bridge.call('decode', [new Uint8Array(1), 'a', {}, 30]);
    const b = bridge.call('decode', [new Uint8Array(1), 'b', {}, 1]);
    await Promise.all([a, b]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('passes errors through and keeps going', async () => {
    const { factory } = fakeWorkerFactory([]);
    const bridge = new WorkerBridge(factory);
    bridges.push(bridge);
    await expect(bridge.call('deriveKey', [''])).rejects.toThrow('the passphrase is empty');
    await expect(bridge.call('importKey', ['{}'])).resolves.toEqual({ check: 'y' });
  });

  it('an abort rejects that call, ends the worker, and the next call gets a fresh one', async () => {
    const { factory, created } = fakeWorkerFactory([]);
    const bridge = new WorkerBridge(factory);
    bridges.push(bridge);
    const controller = new AbortController();
    const slow = bridge.call('decode', [new Uint8Array(1), 'slow', {}, 5_000], { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(slow).rejects.toBeInstanceOf(AbortError);
    expect(bridge.alive).toBe(false);
    const next = await bridge.call('decode', [new Uint8Array(1), 'next', {}, 1]);
    expect(next.decoded).toEqual({ name: 'next' });
    expect(created()).toBe(2);
  });

  it('a call past its deadline rejects with TimeoutError, ends the worker, and the next call goes on', async () => {
    const { factory, created } = fakeWorkerFactory([]);
    const bridge = new WorkerBridge(factory);
    bridges.push(bridge);
    const stuck = bridge.call('decode', [new Uint8Array(1), 'stuck', {}, 5_000], { timeoutMs: 30 });
    const next = bridge.call('decode', [new Uint8Array(1), 'next', {}, 1], { timeoutMs: 1_000 });
    await expect(stuck).rejects.toBeInstanceOf(TimeoutError);
    expect((await next).decoded).toEqual({ name: 'next' });
    expect(created()).toBe(2);
    // a call that finishes in time is not cut off
    expect((await bridge.call('decode', [new Uint8Array(1), 'quick', {}, 5], { timeoutMs: 1_000 })).decoded).toEqual({
      name: 'quick',
    });
  });

  it('the deadline of a cancelled call goes with it: it cannot end the worker of a later call', async () => {
    const { factory, created } = fakeWorkerFactory([]);
    const bridge = new WorkerBridge(factory);
    bridges.push(bridge);
    const controller = new AbortController();
    const cancelled = bridge.call('decode', [new Uint8Array(1), 'cancelled', {}, 5_000], {
      signal: controller.signal,
      timeoutMs: 100,
    });
    setTimeout(() => controller.abort(), 10);
    await expect(cancelled).rejects.toBeInstanceOf(AbortError);
    // runs past the cancelled call's 100 ms deadline, without a deadline of its own
    const later = await bridge.call('decode', [new Uint8Array(1), 'later', {}, 250]);
    expect(later.decoded).toEqual({ name: 'later' });
    expect(created()).toBe(2);
  });

  it('a worker that dies fails the call in flight at once (no deadline needed), and the next call gets a fresh one', async () => {
    const workers: Worker[] = [];
    const { factory, created } = fakeWorkerFactory([]);
    const bridge = new WorkerBridge(() => {
      const w = factory();
      workers.push(w);
      return w;
    });
    bridges.push(bridge);
    // no signal, no deadline: without the crash listener this call would never settle
    const inFlight = bridge.call('decode', [new Uint8Array(1), 'dies', {}, 60_000]);
    await new Promise((r) => setTimeout(r, 20));
    workers[0].dispatchEvent(Object.assign(new Event('error'), { message: 'Uncaught SyntaxError' }));
    await expect(inFlight).rejects.toThrow(new WorkerCrashedError('Uncaught SyntaxError').message);
    expect(bridge.alive).toBe(false);
    expect((await bridge.call('decode', [new Uint8Array(1), 'next', {}, 1])).decoded).toEqual({ name: 'next' });
    expect(created()).toBe(2);
  });

  it('a call aborted before it starts never reaches the worker', async () => {
    const log: string[] = [];
    const { factory } = fakeWorkerFactory(log);
    const bridge = new WorkerBridge(factory);
    bridges.push(bridge);
    const controller = new AbortController();
    controller.abort();
    await expect(
      bridge.call('decode', [new Uint8Array(1), 'never', {}, 1], { signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(log).toEqual([]);
  });

  it('ends an idle worker after the timeout', async () => {
    const { factory } = fakeWorkerFactory([]);
    const bridge = new WorkerBridge(factory, 50);
    bridges.push(bridge);
    await bridge.call('importKey', ['{}']);
    expect(bridge.alive).toBe(true);
    await new Promise((r) => setTimeout(r, 120));
    expect(bridge.alive).toBe(false);
  });
});
