/**
 * Federated rounds over HTTP (docs/server.md "Federated rounds", issue 17), client
 * side, shared by the CLI's hospital processes and the page's hospital workers.
 *
 * A network is a list of seats (account ids, one per hospital; an account may hold
 * several). Its creator, the coordinator, holds seat 0, makes the hospitals' CKKS
 * key and deposits it sealed for each seat (lib/sharing/sealedSecret.ts): the
 * server relays the sealed text and cannot open it. Each round every seat sends
 * one CKKS-encrypted vector (a CSHE frame, he.ts); the server sums the ciphertexts
 * with SEAL additions only and hands the sum to every seat, which decrypts it.
 * A round closes when every seat has sent, or `roundSeconds` after its first
 * contribution if at least `quorum` did; below the quorum it is skipped.
 *
 * What travels: ciphertexts, sealed keys, counts. Never a feature, a gradient, a
 * statistic or a key in the clear.
 */
import { ciphertextsFor, type EncryptedVector } from '../federated/ckksStatistics';
import { authorizedCall, readJson, type AuthorizedCallOptions, type AuthorizedRequest } from './authorizedCall';
import { ServerError, ServerProtocolError } from './errors';
import { decodeHeFrame, encodeHeFrame, HE_MEDIA_TYPE, type HeServer } from './he';

export interface FederatedNetworkRequest {
  name: string;
  /** account ids, one per seat; seat 0 must be the caller (the coordinator) */
  seats: string[];
  quorum: number;
  roundSeconds: number;
  vectorLength: number;
  maxRounds: number;
  /** HE_PARAMETER_ID */
  params: string;
}

export interface FederatedNetwork extends FederatedNetworkRequest {
  id: string;
  /** the creator's account id (= seats[0]) */
  coordinator: string;
}

export type RoundState = 'open' | 'closed' | 'skipped';

export interface RoundStatus {
  round: number;
  state: RoundState;
  contributors: number;
  /** ISO time the round closes or is skipped at, once its clock runs */
  deadline?: string;
}

export type FederatedNetworkStatus = FederatedNetwork & { rounds: RoundStatus[] };

/** Bounds the server applies (docs/server.md); the client checks the same so a mistake fails before sending. */
export const FEDERATED_LIMITS = {
  maxSeats: 64,
  maxRoundSeconds: 3600,
  maxVectorLength: 1_000_000,
  maxRounds: 1000,
  maxWaitMs: 30_000,
  nameLength: 100,
} as const;

export type FederatedCallOptions = AuthorizedCallOptions;

export type RoundSum =
  | { state: 'closed'; sum: EncryptedVector; contributors: number; bytesDown: number }
  | { state: 'skipped'; contributors: number };
// a sum no longer kept (the server keeps the latest two) is a ServerError 410 `gone`

const SUM_LIMITS = { maxCiphertexts: 1024, maxCiphertextBytes: 4 * 1024 * 1024 };

const call = (server: HeServer, path: string, request: AuthorizedRequest, options: FederatedCallOptions) =>
  authorizedCall(server, `/api/federated/networks${path}`, request, options);

const seg = (v: string | number) => encodeURIComponent(String(v));

export async function createFederatedNetwork(
  server: HeServer,
  request: FederatedNetworkRequest,
  options: FederatedCallOptions = {},
): Promise<FederatedNetwork> {
  const response = await call(
    server,
    '',
    { method: 'POST', body: JSON.stringify(request), type: 'application/json', accept: 'application/json' },
    options,
  );
  return readJson<FederatedNetwork>(response, 'POST /api/federated/networks');
}

export async function getFederatedNetwork(
  server: HeServer,
  id: string,
  options: FederatedCallOptions = {},
): Promise<FederatedNetworkStatus> {
  const response = await call(server, `/${seg(id)}`, { method: 'GET', accept: 'application/json' }, options);
  return readJson<FederatedNetworkStatus>(response, 'GET /api/federated/networks/:id');
}

/** The coordinator deposits the sealed CKKS secret key (sealSecret's text) for the holder of `seat`. */
export async function putSealedSeatKey(
  server: HeServer,
  id: string,
  seat: number,
  sealed: string,
  options: FederatedCallOptions = {},
): Promise<void> {
  await call(
    server,
    `/${seg(id)}/keys/${seg(seat)}`,
    { method: 'PUT', body: sealed, type: 'text/plain', accept: 'application/json' },
    options,
  );
}

/** The sealed key deposited for `seat` (the caller must hold that seat); open it with openSealedSecret. */
export async function getSealedSeatKey(
  server: HeServer,
  id: string,
  seat: number,
  options: FederatedCallOptions = {},
): Promise<string> {
  const response = await call(
    server,
    `/${seg(id)}/keys/${seg(seat)}`,
    { method: 'GET', accept: 'text/plain' },
    options,
  );
  return response.text();
}

/** Sends this seat's encrypted vector for `round`; 409 (ServerError) when late, already sent or out of order. */
export async function contributeToRound(
  server: HeServer,
  id: string,
  round: number,
  seat: number,
  vector: EncryptedVector,
  options: FederatedCallOptions = {},
): Promise<{ contributors: number; bytesUp: number }> {
  const body = encodeHeFrame({ images: 1, ciphertexts: vector.ciphertexts });
  const response = await call(
    server,
    `/${seg(id)}/rounds/${seg(round)}/seats/${seg(seat)}`,
    { method: 'POST', body, type: HE_MEDIA_TYPE, accept: 'application/json' },
    options,
  );
  const answer = await readJson<{ round: number; contributors: number }>(response, 'POST a contribution');
  return { contributors: answer.contributors, bytesUp: body.length };
}

/**
 * The round's sum once it is closed (or that it was skipped), long-polling the
 * server (`waitMs` per request, default 25 s) for as long as the round is open.
 * `vectorLength` comes from the network; the answer's ciphertext count is checked.
 */
export async function awaitRoundSum(
  server: HeServer,
  id: string,
  round: number,
  options: FederatedCallOptions & { waitMs?: number; vectorLength?: number } = {},
): Promise<RoundSum> {
  const waitMs = Math.min(options.waitMs ?? 25_000, FEDERATED_LIMITS.maxWaitMs);
  for (;;) {
    options.signal?.throwIfAborted();
    const response = await call(
      server,
      `/${seg(id)}/rounds/${seg(round)}/sum?waitMs=${waitMs}`,
      { method: 'GET', accept: `${HE_MEDIA_TYPE}, application/json`, okStatuses: [202, 410] },
      options,
    );
    if (response.status === 202) {
      await response.body?.cancel();
      continue;
    }
    if (response.status === 410) {
      const answer = await readJson<{ state: string; contributors: number }>(response, 'GET a round sum');
      if (answer.state === 'gone') throw new ServerError(410, 'gone', `round ${round}’s sum is no longer kept`);
      if (answer.state !== 'skipped') throw new ServerProtocolError(`round ${round} is ${answer.state}, not skipped`);
      return { state: 'skipped', contributors: answer.contributors };
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    let ciphertexts: Uint8Array[];
    try {
      ({ ciphertexts } = decodeHeFrame(bytes, SUM_LIMITS));
    } catch (err) {
      throw new ServerProtocolError(`round sum: ${(err as Error).message}`);
    }
    const contributors = Number(response.headers.get('x-contributors'));
    const length = options.vectorLength ?? Number(response.headers.get('x-vector-length'));
    if (!Number.isInteger(length) || length < 1 || ciphertextsFor(length) !== ciphertexts.length)
      throw new ServerProtocolError('round sum: not the ciphertexts of a vector of the network’s length');
    return { state: 'closed', sum: { length, ciphertexts }, contributors, bytesDown: bytes.length };
  }
}
