/** The in-memory store under the HE sessions and the federated networks, on an injected clock. */
import { describe, expect, it } from 'vitest';
import { ENTRY_ID, ExpiringStore } from './expiringStore';

interface Entry {
  id: string;
  owner: string;
  expiresAt: number;
}

function store(idleMs = 100) {
  const clock = { now: 0 };
  const removed: string[] = [];
  const s = new ExpiringStore<Entry>({
    idleMs,
    now: () => clock.now,
    belongsTo: (e, accountId) => e.owner === accountId,
    onRemove: (e) => removed.push(e.id),
  });
  const add = (owner: string) => s.add((id, expiresAt) => ({ id, owner, expiresAt }));
  return { s, clock, removed, add };
}

describe('ExpiringStore', () => {
  it('gives fresh 128-bit ids and finds an entry only for the caller it belongs to', () => {
    const { s, add } = store();
    const a = add('alice');
    const b = add('alice');
    expect(a.id).toMatch(ENTRY_ID);
    expect(a.id).not.toBe(b.id);
    expect(a.expiresAt).toBe(100);
    expect(s.use('alice', a.id)).toBe(a);
    expect(s.use('bob', a.id)).toBeUndefined();
    expect(s.use('alice', 'not an id')).toBeUndefined();
    expect(s.use('alice', 'A'.repeat(22))).toBeUndefined();
    expect(s.size).toBe(2);
  });

  it('forgets an entry idle past idleMs, and use restarts the idle clock', () => {
    const { s, clock, removed, add } = store(100);
    const kept = add('alice');
    const idle = add('alice');
    clock.now = 90;
    expect(s.use('alice', kept.id)?.expiresAt).toBe(190);
    clock.now = 100; // idle's time is up (expiresAt <= now)
    expect(s.use('alice', idle.id)).toBeUndefined();
    expect(removed).toEqual([idle.id]);
    clock.now = 150;
    s.touch(kept.id);
    clock.now = 249;
    s.expire();
    expect(s.values()).toEqual([kept]);
    clock.now = 250;
    s.expire();
    expect(s.size).toBe(0);
    expect(removed).toEqual([idle.id, kept.id]);
  });

  it('keeps use order, least recently used first', () => {
    const { s, add } = store();
    const [a, b, c] = [add('x'), add('x'), add('y')];
    expect(s.values()).toEqual([a, b, c]);
    s.use('x', a.id);
    expect(s.values()).toEqual([b, c, a]);
    s.touch(c.id);
    expect(s.values()).toEqual([b, a, c]);
  });

  it('runs onRemove once per entry, however it leaves', () => {
    const { s, removed, add } = store();
    const [a, b, c] = [add('x'), add('x'), add('x')];
    expect(s.remove(a.id)).toBe(true);
    expect(s.remove(a.id)).toBe(false);
    s.clear();
    expect(removed).toEqual([a.id, b.id, c.id]);
    expect(s.size).toBe(0);
  });
});
