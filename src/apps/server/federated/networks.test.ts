/**
 * The federated networks' state alone (no SEAL, no HTTP): bounds (networks, bytes,
 * idle expiry, kept sums), round order and the deadline rules on an injected clock.
 */
import { describe, expect, it } from 'vitest';
import { HE_PARAMETER_ID } from '../../../lib/serverClient/he';
import { FederatedError, FederatedNetworks } from './networks';
import { checkNetworkRequest } from './service';

const info = (seats = ['a', 'b', 'c'], maxRounds = 5) => ({
  name: 'n',
  coordinator: seats[0],
  seats,
  quorum: 2,
  roundSeconds: 10,
  vectorLength: 10,
  maxRounds,
  params: 'p',
});
const bytes = (n: number) => [new Uint8Array(n)];
const code = (work: () => unknown) => {
  try {
    work();
  } catch (err) {
    return (err as FederatedError).status;
  }
  return 0;
};

describe('federated networks', () => {
  it('holds at most maxNetworks and forgets idle ones', () => {
    let now = 0;
    const n = new FederatedNetworks(
      { maxNetworks: 2, maxPerAccount: 4, maxBytes: 1000, idleMs: 1000, keptSums: 1 },
      () => now,
    );
    n.create(info());
    const second = n.create(info());
    expect(code(() => n.create(info()))).toBe(503);
    now = 900;
    expect(n.get('a', second.id)).toBeDefined(); // used: its idle clock restarts
    now = 1500;
    n.create(info()); // the first expired
    expect(n.size).toBe(2);
    expect(n.get('x', second.id)).toBeUndefined(); // not a member
  });

  it('lets one account coordinate at most maxPerAccount networks; others still get theirs', () => {
    const n = new FederatedNetworks({ maxNetworks: 8, maxPerAccount: 2, maxBytes: 1000, idleMs: 1000, keptSums: 1 });
    n.create(info());
    n.create(info());
    expect(code(() => n.create(info()))).toBe(409);
    expect(n.create(info(['b', 'a'])).coordinator).toBe('b');
    expect(n.size).toBe(3);
  });

  it('takes an account in several seats (the page signs one clinician in for all three hospitals)', () => {
    const request = { ...info(['a', 'b', 'a']), params: HE_PARAMETER_ID };
    expect(code(() => checkNetworkRequest('a', request))).toBe(0);
    expect(code(() => checkNetworkRequest('a', { ...request, seats: ['b', 'a', 'a'] }))).toBe(400);
  });

  it('refuses what would exceed maxBytes and changes nothing', () => {
    const n = new FederatedNetworks(
      { maxNetworks: 4, maxPerAccount: 4, maxBytes: 100, idleMs: 1e9, keptSums: 1 },
      () => 0,
    );
    const net = n.get('a', n.create(info()).id)!;
    const r = n.checkOpen(net, 1, 0);
    n.contribute(net, r, 0, bytes(60));
    expect(code(() => n.contribute(net, r, 1, bytes(120)))).toBe(503);
    expect(r.seats.size).toBe(1);
    expect(n.heldBytes).toBe(60);
  });

  it('orders rounds, closes at the deadline with the quorum, skips below it, keeps the latest sums', () => {
    let now = 0;
    const n = new FederatedNetworks(
      { maxNetworks: 4, maxPerAccount: 4, maxBytes: 1e6, idleMs: 1e9, keptSums: 1 },
      () => now,
    );
    const id = n.create(info()).id;
    const net = () => n.get('a', id)!;
    expect(code(() => n.checkOpen(net(), 2, 0))).toBe(409); // round 2 not open yet
    for (const seat of [0, 1, 2]) n.contribute(net(), n.checkOpen(net(), 1, seat), seat, bytes(10));
    expect(net().rounds[0].state).toBe('closed'); // every seat: closed at once
    n.contribute(net(), n.checkOpen(net(), 2, 0), 0, bytes(10));
    n.contribute(net(), n.checkOpen(net(), 2, 2), 2, bytes(10));
    now += 9_999;
    expect(net().rounds[1].state).toBe('open');
    now += 1;
    expect(net().rounds[1].state).toBe('closed');
    expect(net().rounds[0].sum).toBeUndefined(); // keptSums 1: round 1's sum dropped
    expect(code(() => n.checkOpen(net(), 2, 1))).toBe(409); // late
    n.contribute(net(), n.checkOpen(net(), 3, 1), 1, bytes(10));
    now += 10_000;
    expect(n.status(net()).map((r) => r.state)).toEqual(['closed', 'closed', 'skipped', 'open']);
    now += 10_000; // round 4: nobody within roundSeconds of its opening
    expect(n.status(net())[3].state).toBe('skipped');
    // round 1 of a new network: no clock until a seat waits for it, then skipped when nobody sends
    const other = n.create(info()).id;
    now += 60_000;
    const fresh = n.get('a', other)!;
    expect(n.status(fresh)[0].state).toBe('open');
    n.awaiting(fresh.rounds[0]);
    now += 10_000;
    expect(n.status(n.get('b', other)!)[0].state).toBe('skipped');
    expect(n.heldBytes).toBe(10); // round 2's sum only
  });
});
