/**
 * FedAvg rounds of one hospital process (federatedHospital.ts) over HTTP: the
 * protocol of lib/federated/fedavgHead.ts `simulateFedAvg`, one seat's side of it,
 * with the same seeded local training, hold-outs and absences (so a run without
 * late hospitals sums the same updates as the in-process simulation).
 *
 * Every round: draw the absences (one draw per hospital, as the simulation does);
 * if present, train the global head locally and send the encrypted update; then
 * wait for the round's sum whether present or not. A closed round's sum is
 * decrypted and applied by every hospital alike (same ciphertext, same
 * decryption), so all keep the same global head and stop at the same round; a
 * skipped round leaves the head as it was.
 */
import type { FedAvgOptions, RoundReport } from '../../../lib/federated/fedavgHead';
import {
  applyFedAvgSum,
  copyHead,
  fedavgAbsenceRng,
  fedavgPart,
  fedavgTrainingRng,
  fedavgUpdate,
  fedavgVectorLength,
  zeroHead,
} from '../../../lib/federated/fedavgHead';
import type { HospitalKey } from '../../../lib/federated/ckksStatistics';
import type { FetchLike } from '../../../lib/serverClient';
import { ServerError } from '../../../lib/serverClient/errors';
import { awaitRoundSum, contributeToRound, type FederatedNetworkStatus } from '../../../lib/serverClient/federated';
import type { HeServer } from '../../../lib/serverClient/he';

/** Context a round loop needs: the server, this seat, the key and the counting fetch. */
export interface HospitalSession {
  server: HeServer;
  network: FederatedNetworkStatus;
  seat: number;
  key: HospitalKey;
  fetch: FetchLike;
  late?: { round: number; seconds: number };
  log: (line: string) => void;
}

/** Sends this seat's vector for `round` (after the --late sleep); false when the server refused it as late (409). */
export async function send(s: HospitalSession, round: number, values: Float64Array): Promise<boolean> {
  const vector = s.key.encrypt(values);
  if (s.late?.round === round) {
    s.log(`seat ${s.seat}: sleeping ${s.late.seconds} s before round ${round} (--late)`);
    await new Promise((r) => setTimeout(r, s.late!.seconds * 1000));
  }
  try {
    await contributeToRound(s.server, s.network.id, round, s.seat, vector, { fetch: s.fetch });
    return true;
  } catch (err) {
    if (err instanceof ServerError && err.status === 409) {
      s.log(`seat ${s.seat}: round ${round} refused the contribution (409): ${err.message}`);
      return false;
    }
    throw err;
  }
}

export const plainHead = (h: { features: number; classes: number; weights: Float64Array; bias: Float64Array }) => ({
  features: h.features,
  classes: h.classes,
  weights: Array.from(h.weights),
  bias: Array.from(h.bias),
});

export async function runFedAvgRounds(
  s: HospitalSession,
  x: ArrayLike<number>[],
  labels: number[],
  share: number[],
  classes: number,
  options: FedAvgOptions & { hospitals: number },
) {
  const features = x[0].length;
  const part = fedavgPart(share, s.seat, options.seed);
  const rng = fedavgTrainingRng(s.seat, options.seed);
  const absence = fedavgAbsenceRng(options.seed);
  const length = fedavgVectorLength(features, classes);
  if (s.network.vectorLength !== length) throw new Error(`the network's vectors are not ${length} long`);
  let global = zeroHead(features, classes);
  let best = { round: 0, loss: Infinity, head: copyHead(global) };
  let sinceBest = 0;
  const rounds: (Omit<RoundReport, 'present' | 'bytesUp' | 'bytesDown'> & {
    contributors: number;
    sent: boolean;
    accepted: boolean;
  })[] = [];
  for (let round = 1; round <= Math.min(options.rounds, s.network.maxRounds); round++) {
    const present = Array.from({ length: options.hospitals }, () => absence.next() >= options.dropout)[s.seat];
    const accepted = present ? await send(s, round, fedavgUpdate(global, x, labels, part, rng, options)) : false;
    const sum = await awaitRoundSum(s.server, s.network.id, round, { fetch: s.fetch, vectorLength: length });
    if (sum.state === 'skipped') {
      rounds.push({
        round,
        skipped: true,
        holdOutLoss: NaN,
        holdOutAccuracy: NaN,
        contributors: sum.contributors,
        sent: present,
        accepted,
      });
    } else {
      const { next, holdOutLoss, holdOutAccuracy } = applyFedAvgSum(global, s.key.decrypt(sum.sum));
      if (holdOutLoss < best.loss) {
        best = { round: round - 1, loss: holdOutLoss, head: copyHead(global) };
        sinceBest = 0;
      } else sinceBest++;
      global = next;
      rounds.push({
        round,
        skipped: false,
        holdOutLoss,
        holdOutAccuracy,
        contributors: sum.contributors,
        sent: present,
        accepted,
      });
    }
    s.log(`seat ${s.seat}: round ${round} ${sum.state} (${sum.contributors} contributions)`);
    if (sinceBest >= options.patience) break;
  }
  return {
    head: plainHead(best.head),
    bestRound: best.round,
    roundsRun: rounds.length,
    skippedRounds: rounds.filter((r) => r.skipped).length,
    rounds,
  };
}
