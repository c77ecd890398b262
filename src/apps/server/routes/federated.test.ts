/**
 * Federated rounds over HTTP (docs/server.md "Federated rounds"), through the
 * client of lib/serverClient/federated.ts against a server instance with an
 * injected clock: three seats, real CKKS vectors under a key the server never
 * sees; the sum decrypts to the sum of exactly the accepted vectors; every refused
 * request (not a member 404, another's seat 403, twice / late / out of order 409,
 * malformed 400, too large 413, auditor 403) changes neither the round nor the sum;
 * a round closes at its deadline with the quorum and is skipped below it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHospitalKey, type HospitalKey } from '../../../lib/federated/ckksStatistics';
import {
  awaitRoundSum,
  contributeToRound,
  createFederatedNetwork,
  getFederatedNetwork,
  getSealedSeatKey,
  putSealedSeatKey,
  type FederatedNetwork,
} from '../../../lib/serverClient/federated';
import { encodeHeFrame, HE_PARAMETER_ID } from '../../../lib/serverClient/he';
import { ServerError } from '../../../lib/serverClient/errors';
import { describeOnBothDatabases } from '../../../testing/databases';
import { loadSealWithHeap } from '../../../testing/sealHeap';
import { openDatabase } from '../db';
import { createFederatedService, type FederatedService } from '../federated/service';
import { HOOK_TIMEOUT_MS, newUser, signedIn, startHarness, type Harness, type User } from './routeHarness';

const LENGTH = 5000; // two ciphertexts
const vector = (seed: number) => Float64Array.from({ length: LENGTH }, (_, i) => Math.sin(seed * 7.1 + i) * 3);

describeOnBothDatabases('routes: federated rounds', (suite) => {
  let h: Harness;
  let alice: User, bob: User, carol: User, dave: User, audra: User;
  let key: HospitalKey;
  let clock = Date.now();
  let fed: FederatedService;
  let net: FederatedNetwork;

  beforeAll(async () => {
    fed = createFederatedService({ now: () => clock, limits: { maxBytes: 64 * 1024 * 1024 } });
    h = await startHarness(await openDatabase(await suite.freshDatabase()), {}, { federated: fed });
    [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((n) => newUser(h, n)));
    audra = await newUser(h, 'audra', 'auditor');
    key = createHospitalKey((await loadSealWithHeap()).seal);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    key?.dispose();
    await h?.close();
  }, HOOK_TIMEOUT_MS);

  const o = () => ({ fetch: h.fetch });
  const status = async (code: number, work: () => Promise<unknown>) => {
    const err = await work().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, `expected ${code}`).toBeInstanceOf(ServerError);
    expect((err as ServerError).status).toBe(code);
  };
  const request = (seats: string[]) => ({
    name: 'lung-demo',
    seats,
    quorum: 2,
    roundSeconds: 10,
    vectorLength: LENGTH,
    maxRounds: 3,
    params: HE_PARAMETER_ID,
  });
  const decryptSum = async (round: number) => {
    const answer = await awaitRoundSum(signedIn(alice), net.id, round, { ...o(), waitMs: 0 });
    if (answer.state !== 'closed') throw new Error(`round ${round} ${answer.state}`);
    return { values: key.decrypt(answer.sum), contributors: answer.contributors };
  };
  const expectSum = (got: Float64Array, seeds: number[]) => {
    let worst = 0;
    const want = seeds.map(vector);
    got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want.reduce((s, w) => s + w[i], 0)))));
    expect(worst).toBeLessThan(1e-5);
  };

  it('creates a network and relays sealed seat keys to their holders only', async () => {
    const seats = [alice.id, bob.id, carol.id];
    await status(403, () => createFederatedNetwork(signedIn(audra), request([audra.id, bob.id]), o()));
    await status(400, () => createFederatedNetwork(signedIn(alice), request([bob.id, alice.id]), o()));
    await status(400, () => createFederatedNetwork(signedIn(alice), { ...request(seats), quorum: 4 }, o()));
    await status(400, () => createFederatedNetwork(signedIn(alice), { ...request(seats), params: 'ckks-other' }, o()));
    await status(400, () => createFederatedNetwork(signedIn(alice), request([alice.id, 'no-such-account']), o()));
    expect(fed.networks.size).toBe(0);
    net = await createFederatedNetwork(signedIn(alice), request(seats), o());
    expect(net).toMatchObject({ coordinator: alice.id, seats, quorum: 2 });

    await putSealedSeatKey(signedIn(alice), net.id, 1, 'eyJhbGciOi.sealed-for-bob.c2ln', o());
    await status(403, () => putSealedSeatKey(signedIn(bob), net.id, 2, 'aaa.bbb.ccc', o()));
    await status(404, () => putSealedSeatKey(signedIn(dave), net.id, 2, 'aaa.bbb.ccc', o()));
    await status(400, () => putSealedSeatKey(signedIn(alice), net.id, 2, 'not a { token', o()));
    expect(await getSealedSeatKey(signedIn(bob), net.id, 1, o())).toBe('eyJhbGciOi.sealed-for-bob.c2ln');
    await status(403, () => getSealedSeatKey(signedIn(carol), net.id, 1, o()));
    await status(404, () => getSealedSeatKey(signedIn(dave), net.id, 1, o()));
    await status(404, () => getSealedSeatKey(signedIn(carol), net.id, 2, o())); // none deposited yet
    await status(404, () => getFederatedNetwork(signedIn(dave), net.id, o()));
  });

  it('sums exactly the accepted contributions; every refusal changes nothing', async () => {
    await contributeToRound(signedIn(alice), net.id, 1, 0, key.encrypt(vector(1)), o());
    const { contributors } = await contributeToRound(signedIn(bob), net.id, 1, 1, key.encrypt(vector(2)), o());
    expect(contributors).toBe(2);
    const before = JSON.stringify((await getFederatedNetwork(signedIn(carol), net.id, o())).rounds);
    const held = fed.networks.heldBytes;
    const good = key.encrypt(vector(3));
    const post = (user: User, seat: number, body: Uint8Array, round = 1) =>
      h.app.inject({
        method: 'POST',
        url: `/api/federated/networks/${net.id}/rounds/${round}/seats/${seat}`,
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/octet-stream' },
        payload: Buffer.from(body),
      });
    const broken = good.ciphertexts.map((c) => c.slice());
    broken[1][40] ^= 0xff;
    const refusals: [number, User, number, Uint8Array, number?][] = [
      [409, bob, 1, encodeHeFrame({ images: 1, ciphertexts: good.ciphertexts })],
      [404, dave, 2, encodeHeFrame({ images: 1, ciphertexts: good.ciphertexts })],
      [403, carol, 1, encodeHeFrame({ images: 1, ciphertexts: good.ciphertexts })],
      [400, carol, 2, new TextEncoder().encode('not a frame')],
      [400, carol, 2, encodeHeFrame({ images: 1, ciphertexts: good.ciphertexts.slice(0, 1) })],
      [400, carol, 2, encodeHeFrame({ images: 1, ciphertexts: broken })],
      [
        400,
        carol,
        2,
        encodeHeFrame({ images: 1, ciphertexts: [good.ciphertexts[0], good.ciphertexts[0].slice(0, 99)] }),
      ],
      [409, carol, 2, encodeHeFrame({ images: 1, ciphertexts: good.ciphertexts }), 2],
      [413, carol, 2, new Uint8Array(40 * 1024 * 1024)],
    ];
    for (const [code, user, seat, body, round] of refusals) {
      expect((await post(user, seat, body, round)).statusCode, `${user.name} seat ${seat}`).toBe(code);
    }
    expect(JSON.stringify((await getFederatedNetwork(signedIn(carol), net.id, o())).rounds)).toBe(before);
    expect(fed.networks.heldBytes).toBe(held);
    await contributeToRound(signedIn(carol), net.id, 1, 2, good, o());
    const sum = await decryptSum(1);
    expect(sum.contributors).toBe(3);
    expectSum(sum.values, [1, 2, 3]);
  });

  it('closes a round at its deadline with the quorum; a late contribution gets 409', async () => {
    await contributeToRound(signedIn(alice), net.id, 2, 0, key.encrypt(vector(4)), o());
    await contributeToRound(signedIn(carol), net.id, 2, 2, key.encrypt(vector(6)), o());
    const open = await h.app.inject({
      method: 'GET',
      url: `/api/federated/networks/${net.id}/rounds/2/sum?waitMs=20`,
      headers: { authorization: `Bearer ${bob.token}` },
    });
    expect(open.statusCode).toBe(202);
    expect(open.json()).toMatchObject({ state: 'open', contributors: 2 });
    clock += 10_001;
    await status(409, () => contributeToRound(signedIn(bob), net.id, 2, 1, key.encrypt(vector(5)), o()));
    const sum = await decryptSum(2);
    expect(sum.contributors).toBe(2);
    expectSum(sum.values, [4, 6]);
  });

  it('skips a round below the quorum and ends after maxRounds', async () => {
    await contributeToRound(signedIn(bob), net.id, 3, 1, key.encrypt(vector(8)), o());
    clock += 10_001;
    expect(await awaitRoundSum(signedIn(carol), net.id, 3, { ...o(), waitMs: 0 })).toEqual({
      state: 'skipped',
      contributors: 1,
    });
    const { rounds } = await getFederatedNetwork(signedIn(alice), net.id, o());
    expect(rounds.map((r) => `${r.round}:${r.state}:${r.contributors}`)).toEqual([
      '1:closed:3',
      '2:closed:2',
      '3:skipped:1',
    ]);
    await status(404, () => contributeToRound(signedIn(alice), net.id, 4, 0, key.encrypt(vector(9)), o()));
    const { rows } = await h.db.query<{ action: string; resource: string }>(
      "SELECT action, resource FROM audit_log WHERE action LIKE 'federated%' AND decision = 'allow'",
    );
    expect(rows.length).toBeGreaterThan(8);
    expect(rows.every((r) => r.resource === `network:${net.id}`)).toBe(true);
  });

  it('a long poll returns as soon as the round closes', async () => {
    const other = await createFederatedNetwork(signedIn(bob), { ...request([bob.id, carol.id]), maxRounds: 1 }, o());
    const waiting = awaitRoundSum(signedIn(carol), other.id, 1, { ...o(), waitMs: 10_000 });
    const t = Date.now();
    await contributeToRound(signedIn(bob), other.id, 1, 0, key.encrypt(vector(1)), o());
    await contributeToRound(signedIn(carol), other.id, 1, 1, key.encrypt(vector(2)), o());
    const answer = await waiting;
    expect(answer.state).toBe('closed');
    expect(Date.now() - t).toBeLessThan(8_000);
  });

  it('one account coordinates at most 4 networks, seats held twice or not, and the others are not locked out', async () => {
    const held = fed.networks.size;
    // an account in every seat (the page's demo) counts like any other network against the cap
    await createFederatedNetwork(signedIn(dave), request([dave.id, dave.id]), o());
    for (let i = 0; i < 3; i++) await createFederatedNetwork(signedIn(dave), request([dave.id, carol.id]), o());
    await status(409, () => createFederatedNetwork(signedIn(dave), request([dave.id, carol.id]), o()));
    expect(fed.networks.size).toBe(held + 4);
    // the others are not locked out
    await createFederatedNetwork(signedIn(carol), request([carol.id, dave.id]), o());
  });
});
