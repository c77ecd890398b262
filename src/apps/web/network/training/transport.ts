/**
 * How a live run's ciphertexts travel between the page's hospital workers and
 * whatever sums them (issue 17, the page). Two kinds behind one interface, so
 * the rounds code is the same for both:
 *
 * * `InTabTransport`: an aggregator worker in this tab — no server — that only
 *   sums ciphertexts, with the rounds' rules kept here: a round closes when every
 *   seat has contributed, or at its deadline (counted from its first
 *   contribution, as on the server) with at least `quorum`; below the quorum it
 *   is skipped. Rounds go in order and a late contribution is refused, so a
 *   hospital that drops out or comes late never stalls or corrupts a round.
 * * `ServerTransport` (serverTransport.ts): the same over the hospital server's
 *   federated routes (docs/server.md "Federated rounds").
 *
 * Neither ever receives a key: `contribute` takes ciphertexts only.
 */
import type { EncryptedVector } from '../../../../lib/federated/ckksStatistics';

export type RoundOutcome =
  | { state: 'closed'; sum: EncryptedVector; contributors: number; bytesDown: number }
  | { state: 'skipped'; contributors: number };

export interface NetworkConfig {
  name: string;
  seats: number;
  quorum: number;
  roundMs: number;
  vectorLength: number;
  maxRounds: number;
}

export interface RoundTransport {
  readonly kind: 'inTab' | 'server';
  /** opens a network for one run (ridge and FedAvg differ in vector length) */
  open(config: NetworkConfig): Promise<void>;
  /** sends one seat's ciphertexts for `round` (1-based); bytesUp is what went on the wire */
  contribute(round: number, seat: number, vector: EncryptedVector, signal?: AbortSignal): Promise<{ bytesUp: number }>;
  /** waits until the round is closed (the sum, bytes fetched) or skipped */
  awaitSum(round: number, signal?: AbortSignal): Promise<RoundOutcome>;
  close(): void;
}

export const vectorBytes = (v: EncryptedVector): number => v.ciphertexts.reduce((s, b) => s + b.byteLength, 0);

/** Refused like the server's 409: a contribution to a round that is not the open one, or a second one. */
export class RoundRefusedError extends Error {
  override name = 'RoundRefusedError';
}

export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface OpenRound {
  contributions: Map<number, EncryptedVector>;
  timer?: unknown;
  settled?: Promise<RoundOutcome>;
  settle?: (outcome: Promise<RoundOutcome>) => void;
}

/** The aggregator in this tab: `sum` is the aggregator worker's keyless addition. */
export class InTabTransport implements RoundTransport {
  readonly kind = 'inTab';
  private config: NetworkConfig | undefined;
  /** the round open for contributions (rounds go in order, as on the server) */
  private current = 1;
  private readonly rounds = new Map<number, OpenRound>();

  constructor(
    private readonly sum: (contributions: EncryptedVector[]) => Promise<EncryptedVector>,
    private readonly clock: Clock = realClock,
  ) {}

  async open(config: NetworkConfig): Promise<void> {
    if (config.quorum < 2 || config.quorum > config.seats) throw new Error('quorum must be 2..seats');
    this.close();
    this.config = config;
    this.current = 1;
  }

  private round(r: number): OpenRound {
    let state = this.rounds.get(r);
    if (!state) {
      let settle!: (o: Promise<RoundOutcome>) => void;
      const settled = new Promise<RoundOutcome>((resolve) => (settle = resolve));
      settled.catch(() => undefined); // read by awaitSum; a failed sum must not be an unhandled rejection
      state = { contributions: new Map(), settled, settle };
      this.rounds.set(r, state);
    }
    return state;
  }

  async contribute(round: number, seat: number, vector: EncryptedVector): Promise<{ bytesUp: number }> {
    const config = this.config;
    if (!config) throw new Error('no network open');
    if (seat < 0 || seat >= config.seats) throw new RoundRefusedError(`no seat ${seat}`);
    if (round > config.maxRounds) throw new RoundRefusedError(`the network runs ${config.maxRounds} round(s)`);
    if (round !== this.current) throw new RoundRefusedError(`round ${round} is not open (round ${this.current} is)`);
    if (vector.length !== config.vectorLength) throw new RoundRefusedError('contribution of another length');
    const state = this.round(round);
    if (state.contributions.has(seat))
      throw new RoundRefusedError(`seat ${seat} already contributed to round ${round}`);
    state.contributions.set(seat, vector);
    if (state.contributions.size === 1) state.timer = this.clock.setTimeout(() => this.finish(round), config.roundMs);
    if (state.contributions.size === config.seats) this.finish(round);
    return { bytesUp: vectorBytes(vector) };
  }

  /** Closes or skips the round once; later contributions to it are refused (the next round opens). */
  private finish(round: number): void {
    const state = this.rounds.get(round);
    if (!state || round !== this.current || !this.config) return;
    this.clock.clearTimeout(state.timer);
    this.current = round + 1;
    const contributors = state.contributions.size;
    const parts = [...state.contributions.values()];
    state.contributions.clear(); // nothing kept after the round
    if (contributors < this.config.quorum) state.settle!(Promise.resolve({ state: 'skipped', contributors }));
    else
      state.settle!(
        this.sum(parts).then((sum) => ({ state: 'closed' as const, sum, contributors, bytesDown: vectorBytes(sum) })),
      );
  }

  async awaitSum(round: number, signal?: AbortSignal): Promise<RoundOutcome> {
    if (!this.config) throw new Error('no network open');
    const settled = this.round(round).settled!;
    if (!signal) return settled;
    signal.throwIfAborted();
    return await new Promise<RoundOutcome>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      settled.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  close(): void {
    for (const state of this.rounds.values()) this.clock.clearTimeout(state.timer);
    this.rounds.clear();
    this.config = undefined;
  }
}
