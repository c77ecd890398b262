/**
 * The rounds of a live run, over any transport (transport.ts) and any hospitals
 * (the page's workers, or fakes in tests): each present hospital encrypts its
 * message in its own worker and contributes it; every present hospital fetches
 * the sum and decrypts it itself (they share the key); the page only learns the
 * global head, which every hospital holds anyway, and scores it on the test
 * images. Events go to the view's reducer (rounds.ts).
 *
 * A hospital that is offline for a round sends nothing and fetches nothing; when
 * it comes back it takes the current head from a hospital that stayed (heads are
 * not secret among the hospitals), so it never trains from a stale one.
 */
import type { EncryptedVector } from '../../../../lib/federated/ckksStatistics';
import type { LocalTraining, RoundSummary } from '../../../../lib/federated/hospitalParty';
import { statisticsLength, type RidgeHead } from '../../../../lib/federated/ridge';
import type { RunEvent } from './rounds';
import type { RoundOutcome, RoundTransport } from './transport';

/** What the rounds need of a hospital (the worker's API, minus the data loading). */
export interface HospitalHandle {
  ridgeMessage(): Promise<EncryptedVector>;
  solveRidge(sum: EncryptedVector): Promise<{ head: RidgeHead; lambda: number }>;
  fedavgMessage(options: LocalTraining): Promise<EncryptedVector>;
  applyRound(sum: EncryptedVector): Promise<RoundSummary>;
  head(): Promise<RidgeHead>;
  setHead(head: RidgeHead): Promise<void>;
  resetHead(): Promise<void>;
}

export interface RunContext {
  transport: RoundTransport;
  hospitals: HospitalHandle[];
  features: number;
  classes: number;
  quorum: number;
  roundMs: number;
  /** read at the start of each round: the presenter may take a hospital offline mid-run */
  offline: (seat: number) => boolean;
  /** accuracy of a head on the test images */
  evaluate: (head: RidgeHead) => number;
  emit: (event: RunEvent) => void;
  signal: AbortSignal;
  now?: () => number;
}

const seatsWhere = (n: number, keep: (seat: number) => boolean) => Array.from({ length: n }, (_, s) => s).filter(keep);

/** One round: present hospitals contribute, then each fetches the outcome. */
async function playRound(
  ctx: RunContext,
  round: number,
  present: number[],
  message: (seat: number) => Promise<EncryptedVector>,
): Promise<RoundOutcome> {
  const { transport, emit, signal } = ctx;
  seatsWhere(ctx.hospitals.length, (s) => !present.includes(s)).forEach((seat) =>
    emit({ type: 'absent', round, seat }),
  );
  await Promise.all(
    present.map(async (seat) => {
      const vector = await message(seat);
      signal.throwIfAborted();
      const { bytesUp } = await transport.contribute(round, seat, vector, signal);
      emit({ type: 'contributed', round, seat, bytes: bytesUp });
    }),
  );
  // every present hospital fetches the sum for itself (on the server: one download each)
  const outcomes = await Promise.all(present.map(() => transport.awaitSum(round, signal)));
  const outcome = outcomes[0];
  if (outcome.state === 'closed') emit({ type: 'closed', round, bytesDown: outcome.bytesDown, receivers: present });
  else emit({ type: 'skipped', round });
  return outcome;
}

/**
 * Emits `started`, runs `work`, and always ends with one `finished` event (done,
 * stopped by the signal, or failed with the error's message) and a closed
 * transport. A run that does not finish answers no head.
 */
async function runGuarded(
  ctx: RunContext,
  work: (now: () => number) => Promise<RidgeHead | undefined>,
): Promise<RidgeHead | undefined> {
  const now = ctx.now ?? (() => performance.now());
  ctx.emit({ type: 'started', at: now() });
  try {
    const head = await work(now);
    ctx.emit({ type: 'finished', at: now(), phase: 'done' });
    return head;
  } catch (err) {
    if (ctx.signal.aborted) ctx.emit({ type: 'finished', at: now(), phase: 'stopped', message: 'Stopped.' });
    else ctx.emit({ type: 'finished', at: now(), phase: 'failed', message: (err as Error).message });
    return undefined;
  } finally {
    ctx.transport.close();
  }
}

/** Ridge, one shot: one round of encrypted sufficient statistics. */
export function runRidge(ctx: RunContext): Promise<RidgeHead | undefined> {
  return runGuarded(ctx, async (now) => {
    await ctx.transport.open({
      name: 'ridge (one shot)',
      seats: ctx.hospitals.length,
      quorum: ctx.quorum,
      roundMs: ctx.roundMs,
      vectorLength: 2 * statisticsLength(ctx.features, ctx.classes),
      maxRounds: 1,
    });
    ctx.emit({ type: 'roundOpened', round: 1, at: now() });
    const present = seatsWhere(ctx.hospitals.length, (s) => !ctx.offline(s));
    const outcome = await playRound(ctx, 1, present, (seat) => ctx.hospitals[seat].ridgeMessage());
    let head: RidgeHead | undefined;
    if (outcome.state === 'closed') {
      const solved = await Promise.all(present.map((seat) => ctx.hospitals[seat].solveRidge(outcome.sum)));
      head = solved[0].head;
      ctx.emit({ type: 'evaluated', round: 1, accuracy: ctx.evaluate(head), lambda: solved[0].lambda });
    }
    ctx.emit({ type: 'roundEnded', round: 1, at: now() });
    return head;
  });
}

/** FedAvg: `rounds` rounds from a zero head, each scored on the test images. */
export function runFedAvg(ctx: RunContext, rounds: number, training: LocalTraining): Promise<RidgeHead | undefined> {
  return runGuarded(ctx, async (now) => {
    const n = ctx.hospitals.length;
    await ctx.transport.open({
      name: 'FedAvg head',
      seats: n,
      quorum: ctx.quorum,
      roundMs: ctx.roundMs,
      vectorLength: ctx.features * ctx.classes + ctx.classes + 4,
      maxRounds: rounds,
    });
    await Promise.all(ctx.hospitals.map((h) => h.resetHead()));
    /** seats that hold the current head: everyone at the start, the receivers of each closed round after */
    let current = seatsWhere(n, () => true);
    let head: RidgeHead | undefined;
    for (let round = 1; round <= rounds; round++) {
      ctx.signal.throwIfAborted();
      ctx.emit({ type: 'roundOpened', round, at: now() });
      const present = seatsWhere(n, (s) => !ctx.offline(s));
      // a hospital back from being offline takes the head it missed from one that stayed
      const stale = present.filter((s) => !current.includes(s));
      if (stale.length > 0 && current.length > 0) {
        const latest = await ctx.hospitals[current[0]].head();
        await Promise.all(stale.map((s) => ctx.hospitals[s].setHead(latest)));
      }
      const outcome = await playRound(ctx, round, present, (seat) => ctx.hospitals[seat].fedavgMessage(training));
      if (outcome.state === 'closed') {
        const summaries = await Promise.all(present.map((seat) => ctx.hospitals[seat].applyRound(outcome.sum)));
        head = summaries[0].head;
        current = present;
        ctx.emit({
          type: 'evaluated',
          round,
          accuracy: ctx.evaluate(head),
          holdOutAccuracy: summaries[0].holdOutAccuracy,
        });
      }
      ctx.emit({ type: 'roundEnded', round, at: now() });
    }
    return head;
  });
}
