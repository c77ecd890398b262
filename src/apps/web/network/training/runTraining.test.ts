import { describe, expect, it } from 'vitest';
import type { EncryptedVector } from '../../../../lib/federated/ckksStatistics';
import { zeroHead } from '../../../../lib/federated/hospitalParty';
import type { RidgeHead } from '../../../../lib/federated/ridge';
import { initialRun, runReducer, runTotals, type RunEvent } from './rounds';
import { runFedAvg, runRidge, type HospitalHandle } from './runTraining';
import { InTabTransport } from './transport';

/**
 * Fake hospitals whose "ciphertext" is one byte (seat + 1) and whose head's bias
 * counts the sums applied: enough to see who took part in which round and who
 * was brought up to date, without CKKS.
 */
function fakeHospitals(n: number, log: string[]) {
  const heads = Array.from({ length: n }, () => zeroHead(2, 2));
  const handles: HospitalHandle[] = heads.map((_, seat) => ({
    ridgeMessage: async () => ({ length: 24, ciphertexts: [Uint8Array.of(seat + 1)] }),
    solveRidge: async (sum) => ({
      head: { ...zeroHead(2, 2), bias: Float64Array.of(sum.ciphertexts[0][0], 0) },
      lambda: 0.01,
    }),
    fedavgMessage: async () => ({ length: 10, ciphertexts: [Uint8Array.of(seat + 1, 0)] }),
    applyRound: async (sum) => {
      heads[seat] = { ...heads[seat], bias: Float64Array.of(heads[seat].bias[0] + 1, sum.ciphertexts[0][0]) };
      return { head: heads[seat], images: 1, holdOutLoss: 1, holdOutAccuracy: 0.5 };
    },
    head: async () => heads[seat],
    setHead: async (h: RidgeHead) => {
      log.push(`setHead ${seat} ${h.bias[0]}`);
      heads[seat] = h;
    },
    resetHead: async () => void (heads[seat] = zeroHead(2, 2)),
  }));
  return { heads, handles };
}

const fakeSum = async (parts: EncryptedVector[]): Promise<EncryptedVector> => ({
  length: parts[0].length,
  ciphertexts: [
    Uint8Array.of(
      parts.reduce((s, p) => s + p.ciphertexts[0][0], 0),
      0,
    ),
  ],
});

function context(handles: HospitalHandle[], offline: (seat: number, round: number) => boolean) {
  const events: RunEvent[] = [];
  let round = 0;
  return {
    events,
    ctx: {
      transport: new InTabTransport(fakeSum),
      hospitals: handles,
      features: 2,
      classes: 2,
      quorum: 2,
      roundMs: 30,
      offline: (seat: number) => offline(seat, round),
      evaluate: (head: RidgeHead) => head.bias[0] / 10,
      emit: (e: RunEvent) => {
        if (e.type === 'roundOpened') round = e.round;
        events.push(e);
      },
      signal: new AbortController().signal,
    },
  };
}

describe('the rounds of a live run', () => {
  it('FedAvg: an offline hospital is left out at the deadline and brought up to date when it is back', async () => {
    const log: string[] = [];
    const { heads, handles } = fakeHospitals(3, log);
    const { ctx, events } = context(handles, (seat, round) => seat === 2 && round === 2);
    await runFedAvg(ctx, 3, { localEpochs: 1, learningRate: 0.1, batch: 4 });
    const state = events.reduce(runReducer, initialRun('fedavg', 3));
    expect(state.phase).toBe('done');
    expect(state.rows.map((r) => r.contributors)).toEqual([
      [0, 1, 2],
      [0, 1],
      [0, 1, 2],
    ]);
    expect(state.rows[1].absent).toEqual([2]);
    // the sums: 1+2+3, then 1+2 without hospital C
    expect(heads[0].bias[1]).toBe(6);
    expect(log).toEqual(['setHead 2 2']);
    expect(heads.map((h) => h.bias[0])).toEqual([3, 3, 3]);
    const totals = runTotals(state);
    expect(totals.roundsRun).toBe(3);
    expect(totals.bytesUp).toEqual([6, 6, 4]);
    expect(totals.bytesDown).toEqual([6, 6, 4]);
    expect(totals.lastAccuracy).toBeCloseTo(0.3);
  });

  it('FedAvg: a round with one hospital is skipped, the head unchanged', async () => {
    const { heads, handles } = fakeHospitals(3, []);
    const { ctx, events } = context(handles, (seat, round) => seat > 0 && round === 1);
    await runFedAvg(ctx, 2, { localEpochs: 1, learningRate: 0.1, batch: 4 });
    const state = events.reduce(runReducer, initialRun('fedavg', 3));
    expect(state.rows.map((r) => r.state)).toEqual(['skipped', 'closed']);
    expect(heads[0].bias[0]).toBe(1);
    expect(runTotals(state)).toMatchObject({ roundsRun: 1, roundsSkipped: 1 });
  });

  it('ridge: one round, the head solved by the present hospitals, λ reported; failures are reported, not thrown', async () => {
    const { handles } = fakeHospitals(3, []);
    const { ctx, events } = context(handles, () => false);
    const head = await runRidge(ctx);
    expect(head?.bias[0]).toBe(6);
    const state = events.reduce(runReducer, initialRun('ridge', 3));
    expect(state).toMatchObject({ phase: 'done', lambda: 0.01 });
    handles[1].ridgeMessage = async () => {
      throw new Error('worker crashed');
    };
    const failed = context(handles, () => false);
    expect(await runRidge(failed.ctx)).toBeUndefined();
    expect(failed.events.reduce(runReducer, initialRun('ridge', 3))).toMatchObject({
      phase: 'failed',
      message: 'worker crashed',
    });
  });
});
