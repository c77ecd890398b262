/**
 * The worker registry (docs/ARCHITECTURE.md, "Workers"): named workers, each
 * behind WorkerBridges (queue, abort, deadline, crash detection, idle shutdown),
 * made on first use, with a pool of several workers where the work is
 * independent (decoding), and one place that can end them all. It replaces the
 * module-level singleton bridges the page had, one per worker script.
 *
 * Must never: create a worker before a call needs it, or hold anything a worker
 * returned: results go straight back to the caller.
 */
import { WorkerBridge } from './bridge';

type AnyApi = Record<string, (...args: never[]) => unknown>;

export interface WorkerSpec {
  /** starts one worker (a fresh one after idle shutdown, an abort, a deadline or a crash) */
  create: () => Worker;
  /** the worker is terminated after this long without calls; the next call starts a fresh one */
  idleTimeoutMs?: number;
  /** how many workers `pick` spreads calls over (default 1: one worker, calls in order) */
  poolSize?: number;
}

export class WorkerRegistry<Apis extends { [Name in keyof Apis]: AnyApi }> {
  private readonly pools = new Map<keyof Apis, WorkerBridge<AnyApi>[]>();

  constructor(private readonly specs: { [Name in keyof Apis]: WorkerSpec }) {}

  /**
   * The named worker's bridge (the first of its pool): the same object on every call, so calls made
   * through it run one at a time, in order, on one worker.
   */
  bridge<Name extends keyof Apis>(name: Name): WorkerBridge<Apis[Name]> {
    return this.pool(name)[0];
  }

  /** The least busy bridge of the named pool (the first on a tie): for calls that need no order. */
  pick<Name extends keyof Apis>(name: Name): WorkerBridge<Apis[Name]> {
    return this.pool(name).reduce((best, b) => (b.busy < best.busy ? b : best));
  }

  /** Every bridge of the named pool (bridges cost nothing until a call starts their worker). */
  pool<Name extends keyof Apis>(name: Name): readonly WorkerBridge<Apis[Name]>[] {
    let pool = this.pools.get(name);
    if (!pool) {
      const spec = this.specs[name];
      const size = Math.max(1, Math.floor(spec.poolSize ?? 1));
      pool = Array.from({ length: size }, () => new WorkerBridge<AnyApi>(spec.create, spec.idleTimeoutMs));
      this.pools.set(name, pool);
    }
    return pool as unknown as WorkerBridge<Apis[Name]>[];
  }

  /** The bridges made so far, of every name. */
  bridges(): WorkerBridge<AnyApi>[] {
    return [...this.pools.values()].flat();
  }

  /** Ends every worker now (their calls in flight fail); the next call starts a fresh one. */
  terminateAll(): void {
    for (const bridge of this.bridges()) bridge.terminate();
  }
}
