import { describe, expect, it } from 'vitest';
import { formatBytes, initialRun, runReducer, runTotals, type RunEvent } from './rounds';

const play = (events: RunEvent[]) => events.reduce(runReducer, initialRun('fedavg', 3));

describe('the rounds reducer', () => {
  it('counts bytes per hospital and in total, rounds run and skipped, accuracy and wall time', () => {
    const state = play([
      { type: 'started', at: 1000 },
      { type: 'roundOpened', round: 1, at: 1000 },
      { type: 'contributed', round: 1, seat: 0, bytes: 100 },
      { type: 'contributed', round: 1, seat: 2, bytes: 120 },
      { type: 'contributed', round: 1, seat: 1, bytes: 110 },
      { type: 'closed', round: 1, bytesDown: 200, receivers: [0, 1, 2] },
      { type: 'evaluated', round: 1, accuracy: 0.6, holdOutAccuracy: 0.33 },
      { type: 'roundEnded', round: 1, at: 1400 },
      { type: 'roundOpened', round: 2, at: 1400 },
      { type: 'absent', round: 2, seat: 1 },
      { type: 'absent', round: 2, seat: 2 },
      { type: 'contributed', round: 2, seat: 0, bytes: 100 },
      { type: 'skipped', round: 2 },
      { type: 'roundEnded', round: 2, at: 4400 },
      { type: 'roundOpened', round: 3, at: 4400 },
      { type: 'absent', round: 3, seat: 2 },
      { type: 'contributed', round: 3, seat: 1, bytes: 90 },
      { type: 'contributed', round: 3, seat: 0, bytes: 100 },
      { type: 'closed', round: 3, bytesDown: 210, receivers: [0, 1] },
      { type: 'evaluated', round: 3, accuracy: 0.8 },
      { type: 'roundEnded', round: 3, at: 5000 },
      { type: 'finished', at: 5100, phase: 'done' },
    ]);
    expect(state.phase).toBe('done');
    expect(state.wallMs).toBe(4100);
    expect(state.rows.map((r) => r.state)).toEqual(['closed', 'skipped', 'closed']);
    expect(state.rows[0].contributors).toEqual([0, 1, 2]);
    expect(state.rows[1].absent).toEqual([1, 2]);
    expect(state.rows.map((r) => r.ms)).toEqual([400, 3000, 600]);
    const totals = runTotals(state);
    expect(totals).toMatchObject({ roundsRun: 2, roundsSkipped: 1, lastAccuracy: 0.8 });
    expect(totals.bytesUp).toEqual([300, 200, 120]);
    // a skipped round sends nothing down; an offline hospital fetches nothing
    expect(totals.bytesDown).toEqual([410, 410, 200]);
    expect(totals.totalUp).toBe(620);
    expect(totals.totalDown).toBe(1020);
  });

  it('a new start forgets the previous run', () => {
    const first = play([
      { type: 'started', at: 0 },
      { type: 'roundOpened', round: 1, at: 0 },
      { type: 'finished', at: 5, phase: 'failed', message: 'boom' },
    ]);
    const again = runReducer(first, { type: 'started', at: 10 });
    expect(again).toMatchObject({ phase: 'running', rows: [], startedAt: 10 });
    expect(again.message).toBeUndefined();
  });

  it('formats bytes in decimal units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(115_400)).toBe('115 KB');
    expect(formatBytes(1_234_000)).toBe('1.2 MB');
  });
});
