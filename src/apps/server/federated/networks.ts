/**
 * The federated networks a server process holds in memory (docs/server.md
 * "Federated rounds"): per network its seats and parameters, the sealed seat keys
 * the coordinator deposited (opaque text: sealed to each seat's account key), and
 * its rounds, each with the seats that contributed and the running sum of their
 * ciphertexts (bytes SEAL wrote; the sum itself is made in service.ts).
 *
 * Rounds go in order. Round 1 opens with the network; round r + 1 opens when r
 * ends. A round's clock starts at its first contribution: it closes as soon as
 * every seat has contributed, or at `roundSeconds` after the first contribution
 * with at least `quorum` contributions; below the quorum it is skipped (its sum
 * dropped unopened). A round that nobody contributes to within `roundSeconds` of
 * its opening is skipped too, so absent hospitals cannot stall a network; for
 * round 1 that clock starts when a seat first waits for its sum (the network may
 * be created long before the hospitals are ready). Time is read from an injected clock and deadlines are settled
 * lazily on every access (and by the long poll's timer), so tests need no sleep.
 *
 * Bounded: at most `maxNetworks` networks (`maxPerAccount` coordinated by one
 * account), `maxBytes` of ciphertexts and sealed keys held over all of them, and a
 * network idle past `idleMs` is forgotten. Only the sums of the latest `keptSums`
 * ended rounds are kept (older ones answer 410).
 * Per process, like the encrypted-inference sessions: a replica that did not make
 * a network answers 404.
 */
import type { FederatedNetwork, RoundState, RoundStatus } from '../../../lib/serverClient/federated';
import { ENTRY_ID, ExpiringStore } from '../expiringStore';

export interface FederatedLimits {
  maxNetworks: number;
  /** networks one account may coordinate at once (so one account cannot take every slot of `maxNetworks`) */
  maxPerAccount: number;
  maxBytes: number;
  idleMs: number;
  keptSums: number;
}

export const DEFAULT_FEDERATED_LIMITS: FederatedLimits = {
  maxNetworks: 32,
  maxPerAccount: 4,
  maxBytes: 768 * 1024 * 1024,
  idleMs: 60 * 60_000,
  keptSums: 2,
};

/** Network ids: 128 random bits, base64url (22 characters). */
export const NETWORK_ID = ENTRY_ID;

/** A refusal with its HTTP status: the route answers it as is. */
export class FederatedError extends Error {
  override name = 'FederatedError';
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410 | 413 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Round {
  round: number;
  state: RoundState;
  openedAt: number;
  firstAt?: number;
  endedAt?: number;
  /** the empty-round clock runs: from the opening for rounds after the first, from the first wait for round 1 */
  awaited: boolean;
  seats: Set<number>;
  /** running sum while open, the sum once closed; undefined when skipped or dropped */
  sum?: Uint8Array[];
  sumBytes: number;
  sumDropped?: boolean;
}

export interface Network {
  info: FederatedNetwork;
  keys: Map<number, string>;
  rounds: Round[];
  expiresAt: number;
  /** callbacks of long polls waiting for a round to end */
  waiters: Set<() => void>;
}

const byteLength = (parts: Uint8Array[] | undefined) => (parts ?? []).reduce((n, p) => n + p.length, 0);

export class FederatedNetworks {
  private readonly networks: ExpiringStore<Network>;
  private bytes = 0;

  constructor(
    readonly limits: FederatedLimits = DEFAULT_FEDERATED_LIMITS,
    readonly now: () => number = Date.now,
  ) {
    this.networks = new ExpiringStore<Network>({
      idleMs: limits.idleMs,
      now,
      belongsTo: (network, accountId) => network.info.seats.includes(accountId),
      onRemove: (network) => {
        for (const r of network.rounds) this.bytes -= r.sumBytes;
        for (const k of network.keys.values()) this.bytes -= k.length;
        for (const wake of [...network.waiters]) wake();
      },
    });
  }

  get size(): number {
    return this.networks.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  create(info: Omit<FederatedNetwork, 'id'>): FederatedNetwork {
    this.networks.expire();
    // Refused rather than ending the account's oldest network (as HE sessions do): a network has other seats' work in it.
    const mine = this.networks.values().filter((n) => n.info.coordinator === info.coordinator).length;
    if (mine >= this.limits.maxPerAccount) {
      const minutes = Math.round(this.limits.idleMs / 60_000);
      throw new FederatedError(
        409,
        'too-many-networks',
        `this account coordinates as many networks as it may: one is forgotten after ${minutes} minutes idle`,
      );
    }
    if (this.networks.size >= this.limits.maxNetworks)
      throw new FederatedError(503, 'too-many-networks', 'this server holds as many networks as it may: try later');
    const openedAt = this.now();
    const network = this.networks.add((id, expiresAt) => ({
      info: { id, ...info },
      keys: new Map(),
      rounds: [{ round: 1, state: 'open', openedAt, awaited: false, seats: new Set(), sumBytes: 0 }],
      expiresAt,
      waiters: new Set(),
    }));
    return network.info;
  }

  /** The network if the account holds a seat in it, its deadlines settled; undefined otherwise (answer 404). */
  get(accountId: string, id: string): Network | undefined {
    const network = this.networks.use(accountId, id);
    if (network) this.settle(network);
    return network;
  }

  /** The network and the seat, checked: a member who does not hold the seat gets 403. */
  seat(accountId: string, id: string, seat: number): Network {
    const network = this.get(accountId, id);
    if (!network) throw new FederatedError(404, 'not-found', 'not found');
    if (!Number.isInteger(seat) || seat < 0 || seat >= network.info.seats.length)
      throw new FederatedError(404, 'not-found', 'no such seat');
    if (network.info.seats[seat] !== accountId)
      throw new FederatedError(403, 'forbidden', 'this account does not hold that seat');
    return network;
  }

  putKey(network: Network, seat: number, sealed: string): void {
    const before = network.keys.get(seat)?.length ?? 0;
    this.reserve(sealed.length - before);
    network.keys.set(seat, sealed);
  }

  status(network: Network): RoundStatus[] {
    return network.rounds.map((r) => {
      const deadline = this.deadline(network, r);
      return {
        round: r.round,
        state: r.state,
        contributors: r.seats.size,
        ...(deadline !== undefined ? { deadline: new Date(deadline).toISOString() } : {}),
      };
    });
  }

  /** The open round `round` may take a contribution from `seat`: else the 409 that says why. */
  checkOpen(network: Network, round: number, seat: number): Round {
    const r = network.rounds[round - 1];
    if (!Number.isInteger(round) || round < 1 || round > network.info.maxRounds)
      throw new FederatedError(404, 'not-found', `rounds are 1 to ${network.info.maxRounds}`);
    if (!r) throw new FederatedError(409, 'round-not-open', `round ${round} is not open yet: rounds go in order`);
    if (r.state !== 'open') throw new FederatedError(409, 'round-ended', `round ${round} is ${r.state}: too late`);
    if (r.seats.has(seat)) throw new FederatedError(409, 'already-contributed', 'this seat has sent for this round');
    return r;
  }

  /** Records a contribution whose new running sum is `sum` (made by the caller from the old one). */
  contribute(network: Network, r: Round, seat: number, sum: Uint8Array[]): void {
    const delta = byteLength(sum) - r.sumBytes;
    this.reserve(delta);
    r.sum = sum;
    r.sumBytes += delta;
    r.seats.add(seat);
    r.firstAt ??= this.now();
    this.networks.touch(network.info.id);
    if (r.seats.size === network.info.seats.length) this.end(network, r, 'closed', this.now());
    else this.settle(network);
  }

  /** A seat waits for round 1's sum: from now, round 1 is skipped if nobody contributes within roundSeconds. */
  awaiting(r: Round): void {
    if (r.awaited) return;
    r.awaited = true;
    r.openedAt = this.now();
  }

  /** When the round ends if nothing else happens (undefined: round 1 before its first contribution). */
  deadline(network: Network, r: Round): number | undefined {
    if (r.state !== 'open') return r.endedAt;
    const ms = network.info.roundSeconds * 1000;
    if (r.firstAt !== undefined) return r.firstAt + ms;
    return r.awaited ? r.openedAt + ms : undefined;
  }

  /** Ends every round whose deadline has passed, opening the next. */
  settle(network: Network): void {
    for (;;) {
      const r = network.rounds[network.rounds.length - 1];
      if (r.state !== 'open') return;
      const deadline = this.deadline(network, r);
      if (deadline === undefined || this.now() < deadline) return;
      this.end(network, r, r.seats.size >= network.info.quorum ? 'closed' : 'skipped', deadline);
    }
  }

  private end(network: Network, r: Round, state: 'closed' | 'skipped', at: number): void {
    r.state = state;
    r.endedAt = at;
    if (state === 'skipped') this.dropSum(r);
    const ended = network.rounds.filter((x) => x.state !== 'open' && x.sum);
    for (const old of ended.slice(0, Math.max(0, ended.length - this.limits.keptSums))) this.dropSum(old);
    if (r.round < network.info.maxRounds)
      network.rounds.push({
        round: r.round + 1,
        state: 'open',
        openedAt: at,
        awaited: true,
        seats: new Set(),
        sumBytes: 0,
      });
    for (const wake of [...network.waiters]) wake();
  }

  private dropSum(r: Round): void {
    this.bytes -= r.sumBytes;
    r.sum = undefined;
    r.sumBytes = 0;
    r.sumDropped = r.state === 'closed';
  }

  private reserve(delta: number): void {
    if (delta > 0 && this.bytes + delta > this.limits.maxBytes) {
      this.networks.expire();
      if (this.bytes + delta > this.limits.maxBytes)
        throw new FederatedError(503, 'server-full', 'this server holds as many ciphertexts as it may: try later');
    }
    this.bytes += delta;
  }
}
