/**
 * Federated rounds on the server (docs/server.md "Federated rounds"): checks every
 * request against a network's seats and rounds (networks.ts) and sums the
 * contributions' ciphertexts with SEAL additions only (lib/federated/ckksStatistics
 * `aggregate`). The server holds no CKKS key of any kind: it never decrypts, and a
 * sum needs no evaluation key. Sealed seat keys are relayed as opaque text.
 *
 * Every ciphertext from the wire goes through the quarantine first (he/quarantine.ts:
 * SEAL header checked in JS, loaded in a disposable SEAL instance, checked to be a
 * fresh ciphertext of our parameters, re-saved by SEAL), so hostile bytes never reach
 * the instance that holds the sums. A contribution is checked whole before anything
 * changes: a refused one leaves the round and its sum as they were. After the awaits
 * of the quarantine, the round is looked up again and the sum made and recorded in
 * one synchronous stretch, so two contributions never interleave.
 */
import { HE_PARAMETER_ID, decodeHeFrame } from '../../../lib/serverClient/he';
import type { Seal } from '../../../lib/cipher/ckks';
import { aggregate, ciphertextsFor } from '../../../lib/federated/ckksStatistics';
import {
  FEDERATED_LIMITS,
  type FederatedNetwork,
  type FederatedNetworkRequest,
  type FederatedNetworkStatus,
} from '../../../lib/serverClient/federated';
import { MAX_CIPHERTEXT_BYTES } from '../he/service';
import { HeInputError, Quarantine, type SealFactory } from '../he/quarantine';
import { DEFAULT_FEDERATED_LIMITS, FederatedError, FederatedNetworks, type FederatedLimits } from './networks';

export { FederatedError, NETWORK_ID } from './networks';

/** Largest contribution body: the frame of a vector of the largest length. */
export const MAX_CONTRIBUTION_BYTES =
  16 + ciphertextsFor(FEDERATED_LIMITS.maxVectorLength) * (4 + MAX_CIPHERTEXT_BYTES);
/** A sealed CKKS secret key is about 1.3 MB of text (lib/sharing/sealedSecret.ts allows 2 MiB). */
export const MAX_SEALED_KEY_CHARS = 2 * 1024 * 1024;

export interface FederatedServiceOptions {
  evaluatorSeal?: () => Promise<Seal>;
  quarantineSeal?: SealFactory;
  limits?: Partial<FederatedLimits>;
  now?: () => number;
}

export type SumAnswer =
  | { state: 'closed'; ciphertexts: Uint8Array[]; contributors: number; length: number }
  | { state: 'open'; contributors: number; deadline?: string }
  | { state: 'skipped'; contributors: number }
  | { state: 'gone'; contributors: number };

export interface FederatedService {
  create(accountId: string, request: FederatedNetworkRequest): FederatedNetwork;
  /** undefined: no such network, or the account holds no seat in it */
  status(accountId: string, id: string): FederatedNetworkStatus | undefined;
  isMember(accountId: string, id: string): boolean;
  putKey(accountId: string, id: string, seat: number, sealed: string): void;
  getKey(accountId: string, id: string, seat: number): string;
  contribute(accountId: string, id: string, round: number, seat: number, frame: Uint8Array): Promise<number>;
  awaitSum(accountId: string, id: string, round: number, waitMs: number): Promise<SumAnswer>;
  readonly networks: FederatedNetworks;
  close(): void;
}

const refuse = (code: string, message: string) => new FederatedError(400, code, message);

export function checkNetworkRequest(accountId: string, r: FederatedNetworkRequest): void {
  const L = FEDERATED_LIMITS;
  const int = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (typeof r.name !== 'string' || r.name.length < 1 || r.name.length > L.nameLength)
    throw refuse('bad-network', `name: 1 to ${L.nameLength} characters`);
  if (!Array.isArray(r.seats) || r.seats.length < 2 || r.seats.length > L.maxSeats)
    throw refuse('bad-network', `seats: 2 to ${L.maxSeats} account ids`);
  if (r.seats[0] !== accountId) throw refuse('bad-network', 'seat 0 must be the coordinator: the caller');
  // One account may hold several seats: the page's demo signs one clinician in for all three hospitals.
  // What stops one account taking every network is the per-account cap (FederatedNetworks maxPerAccount).
  if (!int(r.quorum, 2, r.seats.length)) throw refuse('bad-network', 'quorum: 2 to the number of seats');
  if (!int(r.roundSeconds, 1, L.maxRoundSeconds))
    throw refuse('bad-network', `roundSeconds: 1 to ${L.maxRoundSeconds}`);
  if (!int(r.vectorLength, 1, L.maxVectorLength))
    throw refuse('bad-network', `vectorLength: 1 to ${L.maxVectorLength}`);
  if (!int(r.maxRounds, 1, L.maxRounds)) throw refuse('bad-network', `maxRounds: 1 to ${L.maxRounds}`);
  if (r.params !== HE_PARAMETER_ID)
    throw refuse('bad-params', `this server sums ciphertexts of CKKS parameters ${HE_PARAMETER_ID} only`);
}

export function createFederatedService(options: FederatedServiceOptions = {}): FederatedService {
  const evaluatorSeal = options.evaluatorSeal ?? (async () => (await import('../../../platform/node/seal')).loadSeal());
  const quarantine = new Quarantine(
    options.quarantineSeal ?? (async () => (await import('node-seal/throws_wasm_node_umd')).default()),
  );
  const networks = new FederatedNetworks({ ...DEFAULT_FEDERATED_LIMITS, ...options.limits }, options.now);
  /** every long poll waiting now: woken on close, so no request outlives the server */
  const polls = new Set<() => void>();
  let closed = false;

  const member = (accountId: string, id: string) => {
    const network = networks.get(accountId, id);
    if (!network) throw new FederatedError(404, 'not-found', 'not found');
    return network;
  };

  return {
    networks,

    create(accountId, request) {
      checkNetworkRequest(accountId, request);
      const { name, seats, quorum, roundSeconds, vectorLength, maxRounds, params } = request;
      return networks.create({
        name,
        coordinator: accountId,
        seats: [...seats],
        quorum,
        roundSeconds,
        vectorLength,
        maxRounds,
        params,
      });
    },

    status(accountId, id) {
      const network = networks.get(accountId, id);
      return network && { ...network.info, rounds: networks.status(network) };
    },

    isMember: (accountId, id) => networks.get(accountId, id) !== undefined,

    putKey(accountId, id, seat, sealed) {
      const network = member(accountId, id);
      if (network.info.coordinator !== accountId)
        throw new FederatedError(403, 'forbidden', 'only the coordinator deposits seat keys');
      if (!Number.isInteger(seat) || seat < 0 || seat >= network.info.seats.length)
        throw new FederatedError(404, 'not-found', 'no such seat');
      if (sealed.length < 1 || sealed.length > MAX_SEALED_KEY_CHARS || !/^[A-Za-z0-9_.-]+$/.test(sealed))
        throw refuse('bad-sealed-key', 'a sealed key is the compact JWS text sealSecret makes');
      networks.putKey(network, seat, sealed);
    },

    getKey(accountId, id, seat) {
      const network = networks.seat(accountId, id, seat);
      const sealed = network.keys.get(seat);
      if (sealed === undefined) throw new FederatedError(404, 'not-found', 'no key deposited for this seat yet');
      return sealed;
    },

    async contribute(accountId, id, round, seat, body) {
      const first = networks.seat(accountId, id, seat);
      networks.checkOpen(first, round, seat);
      const count = ciphertextsFor(first.info.vectorLength);
      if (body.length > 16 + count * (4 + MAX_CIPHERTEXT_BYTES))
        throw new FederatedError(413, 'too-large', `a contribution to this network is at most ${count} ciphertext(s)`);
      let frame;
      try {
        frame = decodeHeFrame(body, { maxCiphertexts: count, maxCiphertextBytes: MAX_CIPHERTEXT_BYTES });
      } catch (err) {
        throw refuse('bad-frame', (err as Error).message);
      }
      if (frame.images !== 1 || frame.ciphertexts.length !== count)
        throw refuse('bad-frame', `a contribution to this network is one vector of ${count} ciphertext(s)`);
      const checked: Uint8Array[] = [];
      try {
        for (const c of frame.ciphertexts) checked.push(await quarantine.ciphertext(c));
      } catch (err) {
        if (err instanceof HeInputError) throw refuse('bad-ciphertext', err.message);
        throw err;
      }
      const seal = await evaluatorSeal();
      // from here to the end: synchronous, on the state as it is now
      const network = networks.seat(accountId, id, seat);
      const r = networks.checkOpen(network, round, seat);
      const length = network.info.vectorLength;
      const contributions = r.sum
        ? [
            { length, ciphertexts: r.sum },
            { length, ciphertexts: checked },
          ]
        : undefined;
      const sum = contributions ? aggregate(seal, { contributions }).ciphertexts : checked;
      networks.contribute(network, r, seat, sum);
      return r.seats.size;
    },

    async awaitSum(accountId, id, round, waitMs) {
      const until = Date.now() + waitMs;
      for (;;) {
        if (closed) throw new FederatedError(503, 'closing', 'the server is closing: ask again');
        const network = member(accountId, id);
        const r = network.rounds[round - 1];
        if (!Number.isInteger(round) || round < 1 || round > network.info.maxRounds)
          throw new FederatedError(404, 'not-found', `rounds are 1 to ${network.info.maxRounds}`);
        if (r?.state === 'open') networks.awaiting(r);
        const contributors = r?.seats.size ?? 0;
        if (r?.state === 'skipped') return { state: 'skipped', contributors };
        if (r?.state === 'closed')
          return r.sum
            ? { state: 'closed', ciphertexts: r.sum, contributors, length: network.info.vectorLength }
            : { state: 'gone', contributors };
        const left = until - Date.now();
        const deadline = r && networks.deadline(network, r);
        if (left <= 0) {
          return { state: 'open', contributors, ...(deadline ? { deadline: new Date(deadline).toISOString() } : {}) };
        }
        // wait for a change, the deadline (on the injected clock: at most `left`) or the end of the poll
        const toDeadline = deadline === undefined ? left : Math.max(1, deadline - networks.now());
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            polls.delete(wake);
            network.waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, Math.min(left, toDeadline));
          polls.add(wake);
          network.waiters.add(wake);
        });
      }
    },

    close() {
      closed = true;
      for (const wake of [...polls]) wake();
      quarantine.dispose();
    },
  };
}
