import { describe, expect, it, vi } from 'vitest';
import type { EncryptedVector } from '../../../../lib/federated/ckksStatistics';
import { InTabTransport, RoundRefusedError, type Clock } from './transport';
import { ServerTransport, type FederatedApi } from './serverTransport';

/** A fake "ciphertext": bytes whose sum we can check; the fake aggregator adds them bytewise. */
const vec = (value: number, bytes = 10): EncryptedVector => ({
  length: 4,
  ciphertexts: [new Uint8Array(bytes).fill(value)],
});
const fakeSum = async (parts: EncryptedVector[]): Promise<EncryptedVector> => ({
  length: parts[0].length,
  ciphertexts: [parts[0].ciphertexts[0].map((_, i) => parts.reduce((s, p) => s + p.ciphertexts[0][i], 0))],
});

/** A clock the test advances by hand. */
function manualClock() {
  let timers: { fn: () => void; at: number; id: number }[] = [];
  let now = 0;
  let next = 1;
  const clock: Clock = {
    setTimeout: (fn, ms) => {
      timers.push({ fn, at: now + ms, id: next });
      return next++;
    },
    clearTimeout: (id) => (timers = timers.filter((t) => t.id !== id)),
  };
  const advance = (ms: number) => {
    now += ms;
    const due = timers.filter((t) => t.at <= now);
    timers = timers.filter((t) => t.at > now);
    due.forEach((t) => t.fn());
  };
  return { clock, advance, pending: () => timers.length };
}

const config = { name: 't', seats: 3, quorum: 2, roundMs: 3000, vectorLength: 4, maxRounds: 5 };

describe('the aggregator in this tab', () => {
  it('closes a round as soon as all seats sent, with the sum and the bytes', async () => {
    const { clock, pending } = manualClock();
    const t = new InTabTransport(fakeSum, clock);
    await t.open(config);
    expect((await t.contribute(1, 0, vec(1))).bytesUp).toBe(10);
    await t.contribute(1, 1, vec(2));
    await t.contribute(1, 2, vec(3));
    const outcome = await t.awaitSum(1);
    expect(outcome).toMatchObject({ state: 'closed', contributors: 3, bytesDown: 10 });
    if (outcome.state === 'closed') expect(outcome.sum.ciphertexts[0][0]).toBe(6);
    expect(pending()).toBe(0);
  });

  it('closes at the deadline with the quorum, and refuses the late hospital', async () => {
    const { clock, advance } = manualClock();
    const sum = vi.fn(fakeSum);
    const t = new InTabTransport(sum, clock);
    await t.open(config);
    await t.contribute(1, 0, vec(1));
    await t.contribute(1, 2, vec(5));
    const waiting = t.awaitSum(1);
    advance(2999);
    expect(sum).not.toHaveBeenCalled();
    advance(1);
    const outcome = await waiting;
    expect(outcome).toMatchObject({ state: 'closed', contributors: 2 });
    if (outcome.state === 'closed') expect(outcome.sum.ciphertexts[0][0]).toBe(6);
    // the late one: round 1 is closed, its update never enters a sum
    await expect(t.contribute(1, 1, vec(100))).rejects.toBeInstanceOf(RoundRefusedError);
    expect(sum).toHaveBeenCalledTimes(1);
  });

  it('skips a round below the quorum at its deadline, and the next round opens', async () => {
    const { clock, advance } = manualClock();
    const sum = vi.fn(fakeSum);
    const t = new InTabTransport(sum, clock);
    await t.open(config);
    await t.contribute(1, 1, vec(1));
    const waiting = t.awaitSum(1);
    advance(3000);
    expect(await waiting).toEqual({ state: 'skipped', contributors: 1 });
    expect(sum).not.toHaveBeenCalled();
    await t.contribute(2, 0, vec(1));
  });

  it('refuses rounds out of order, a second contribution, a wrong length, unknown seats', async () => {
    const t = new InTabTransport(fakeSum, manualClock().clock);
    await expect(t.contribute(1, 0, vec(1))).rejects.toThrow(/no network/);
    await t.open(config);
    await expect(t.contribute(2, 0, vec(1))).rejects.toThrow(/not open/);
    await t.contribute(1, 0, vec(1));
    await expect(t.contribute(1, 0, vec(1))).rejects.toThrow(/already contributed/);
    await expect(t.contribute(1, 1, { length: 5, ciphertexts: [] })).rejects.toThrow(/length/);
    await expect(t.contribute(1, 3, vec(1))).rejects.toThrow(/no seat/);
    await expect(t.open({ ...config, quorum: 1 })).rejects.toThrow(/quorum/);
  });

  it('an abort ends a wait', async () => {
    const t = new InTabTransport(fakeSum, manualClock().clock);
    await t.open(config);
    const controller = new AbortController();
    const waiting = t.awaitSum(1, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});

describe('the server transport', () => {
  it('opens a network whose seats are all the signed-in account, and passes rounds through', async () => {
    const calls: string[] = [];
    const api: FederatedApi = {
      createFederatedNetwork: async (server, request) => {
        calls.push(`create ${server.baseUrl} ${request.seats.join(',')} q${request.quorum} ${request.roundSeconds}s`);
        return { ...request, id: 'net-1', coordinator: request.seats[0] };
      },
      contributeToRound: async (_s, id, round, seat, vector) => {
        calls.push(`contribute ${id} r${round} s${seat}`);
        return { contributors: 1, bytesUp: vector.ciphertexts[0].length + 17 };
      },
      awaitRoundSum: async (_s, id, round, options) => {
        calls.push(`await ${id} r${round} len${options?.vectorLength}`);
        return { state: 'closed', sum: vec(9), contributors: 3, bytesDown: 27 };
      },
    };
    const t = new ServerTransport(api, { baseUrl: 'http://localhost:1', token: 't' }, 'acct', 'params-id');
    await expect(t.contribute(1, 0, vec(1))).rejects.toThrow(/no network/);
    await t.open({ ...config, roundMs: 2500 });
    expect((await t.contribute(1, 2, vec(1))).bytesUp).toBe(27);
    expect(await t.awaitSum(1)).toMatchObject({ state: 'closed', bytesDown: 27 });
    expect(calls).toEqual([
      'create http://localhost:1 acct,acct,acct q2 3s',
      'contribute net-1 r1 s2',
      'await net-1 r1 len4',
    ]);
  });
});
