/**
 * The one worker bridge (after Squoosh's worker-bridge): comlink RPC to a single
 * pipeline worker, a promise queue so calls run one at a time, an AbortSignal or a
 * deadline that ends a call (by terminating the worker; the next call starts a
 * fresh one: a codec stuck on one damaged file must not hold up the rest), a
 * worker that dies (its script fails to load, or it throws outside any call)
 * failing the call in flight at once instead of leaving it unanswered, and an
 * idle timeout that frees the worker's memory when nothing has run for a while.
 * The app's bridges are made and named by the worker registry (registry.ts,
 * appWorkers.ts; docs/ARCHITECTURE.md, "Workers"); `prepare` lets the key ring
 * register a key with each fresh worker before the first call that names it.
 *
 * Must never: log arguments or results (they hold pixels and, for key derivation,
 * key material), or keep a reference to them after the call settles.
 */
import * as Comlink from 'comlink';
import type { PipelineWorkerApi } from './pipeline.worker';

export const IDLE_TIMEOUT_MS = 30_000;

export class AbortError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'AbortError';
  }
}

export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`took longer than ${Math.round(ms / 1000)} s`);
    this.name = 'TimeoutError';
  }
}

/** The worker ended without answering: a script that failed to load, or an error outside any call. */
export class WorkerCrashedError extends Error {
  constructor(detail?: string) {
    super(`the background worker stopped unexpectedly${detail ? ` (${detail})` : ''}`);
    this.name = 'WorkerCrashedError';
  }
}

// Generic over the worker's API so the inference worker (src/diagnosis) reuses this bridge; defaults to the pipeline worker.
type AnyApi = Record<string, (...args: never[]) => unknown>;
type Method<Api> = keyof Api & string;
type Args<Api, M extends Method<Api>> = Api[M] extends (...a: infer A) => unknown ? A : never;
type Result<Api, M extends Method<Api>> = Api[M] extends (...a: never[]) => infer R ? Awaited<R> : never;

export interface CallOptions<Api> {
  signal?: AbortSignal;
  transfer?: Transferable[];
  timeoutMs?: number;
  /**
   * Runs in the call's turn, on the worker that will run it, before the method: `worker` numbers the
   * workers this bridge started, so a caller can tell a fresh one (after idle shutdown, an abort or a
   * crash) from the one it already prepared. Its failure fails the call.
   */
  prepare?: (api: Comlink.Remote<Api>, worker: number) => Promise<void>;
  /**
   * When the call's turn comes and no worker is running, resolve with undefined instead of starting
   * one (forgetting a key: a worker that ended holds nothing).
   */
  onlyIfAlive?: boolean;
}

export class WorkerBridge<Api extends AnyApi = PipelineWorkerApi> {
  private worker: Worker | undefined;
  private api: Comlink.Remote<Api> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private pending = 0;
  private started = 0;
  /** ends the call in flight (there is at most one): a terminated worker never answers it */
  private endInFlight: ((err: Error) => void) | undefined;

  constructor(
    private readonly createWorker: () => Worker,
    private readonly idleTimeoutMs = IDLE_TIMEOUT_MS,
  ) {}

  /**
   * Queue one call. Calls run in order; an aborted call rejects with AbortError, one past
   * `timeoutMs` (counted from when it starts) with TimeoutError; neither stops the ones after it.
   */
  call<M extends Method<Api>>(method: M, args: Args<Api, M>, options: CallOptions<Api> = {}): Promise<Result<Api, M>> {
    const { signal, transfer, timeoutMs, prepare, onlyIfAlive } = options;
    this.pending++;
    this.clearIdle();
    const run = async (): Promise<Result<Api, M>> => {
      if (signal?.aborted) throw new AbortError();
      if (onlyIfAlive && !this.api) return undefined as Result<Api, M>;
      const api = this.ensureWorker();
      const fn = api[method] as unknown as (...a: unknown[]) => Promise<Result<Api, M>>;
      const callArgs = transfer?.length
        ? (args as unknown[]).map((a, i) => (i === 0 ? Comlink.transfer(a, transfer) : a))
        : (args as unknown[]);
      const worker = this.worker!;
      const workerNumber = this.started;
      return await new Promise<Result<Api, M>>((resolve, reject) => {
        // A stopped call never settles on the worker side, so every ending cleans up here.
        const cleanup = () => {
          if (this.endInFlight === stop) this.endInFlight = undefined;
          signal?.removeEventListener('abort', onAbort);
          worker.removeEventListener('error', onCrash);
          worker.removeEventListener('messageerror', onCrash);
          clearTimeout(timer);
        };
        // The only way to stop running wasm is to end the worker (this call's, never a later
        // one's); the next call starts a new one.
        const stop = (err: Error) => {
          cleanup();
          if (this.worker === worker) this.terminate();
          reject(err);
        };
        const onAbort = () => stop(new AbortError());
        // no answer will come from a dead worker: without this a call with no deadline waits for ever
        const onCrash = (event: Event) =>
          stop(new WorkerCrashedError((event as Partial<ErrorEvent>).message || undefined));
        this.endInFlight = stop;
        signal?.addEventListener('abort', onAbort, { once: true });
        worker.addEventListener('error', onCrash);
        worker.addEventListener('messageerror', onCrash);
        const timer = timeoutMs ? setTimeout(() => stop(new TimeoutError(timeoutMs)), timeoutMs) : undefined;
        (prepare ? prepare(api, workerNumber) : Promise.resolve())
          .then(() => fn(...callArgs))
          .then(resolve, reject)
          .finally(cleanup);
      });
    };
    const result = this.queue.then(run, run);
    this.queue = result
      .catch(() => undefined)
      .finally(() => {
        this.pending--;
        if (this.pending === 0) this.armIdle();
      });
    return result;
  }

  /** calls queued or running (the registry sends a pool's next call to the least busy bridge) */
  get busy(): number {
    return this.pending;
  }

  /** true while a worker exists (for tests and the status bar) */
  get alive(): boolean {
    return this.worker !== undefined;
  }

  /** Ends the worker now; a call in flight fails with AbortError. The next call starts a fresh one. */
  terminate(): void {
    this.endInFlight?.(new AbortError());
    this.clearIdle();
    this.api?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = undefined;
    this.api = undefined;
  }

  private ensureWorker(): Comlink.Remote<Api> {
    if (!this.api) {
      this.worker = this.createWorker();
      this.started++;
      this.api = Comlink.wrap<Api>(this.worker);
    }
    return this.api;
  }

  private armIdle(): void {
    this.clearIdle();
    if (this.worker) this.idleTimer = setTimeout(() => this.terminate(), this.idleTimeoutMs);
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
