/**
 * FedAvg of a model head under CKKS (issue 17's baseline, the paper's method):
 * every round each present hospital trains the global head on its own features
 * for a few local epochs and sends its update, weighted by its image count,
 * CKKS-encrypted; the aggregator sums ciphertexts without a key
 * (ckksStatistics.ts); a hospital decrypts the sum and every hospital applies
 * it. Simulated in one process, like simulateRidge.ts.
 *
 * Each message is one ciphertext: [n·Δweights, n·Δbias, n, hold-out loss sum,
 * hold-out right answers, hold-out count] — the hold-out figures are of the
 * global head the round started from, so early stopping (the best round on the
 * pooled hold-outs) also happens on ciphertext sums only.
 *
 * Rounds survive absences: a hospital that drops out (seeded, `dropout`) simply
 * sends nothing; the round goes ahead with the quorum present, or is skipped
 * (the global head unchanged) below it — a late or missing hospital never
 * stalls a round nor enters a sum it was not part of.
 * Decrypted sums never go back to the aggregator (Li–Micciancio), so no noise
 * flooding is needed on this path.
 */
import { SeededRandom } from '../random/seededRandom';
import type { Seal } from '../cipher/ckks';
import { aggregate, createHospitalKey, type EncryptedVector } from './ckksStatistics';
import { localHoldOut } from './hospitalSplit';
import type { RidgeHead } from './ridge';

export interface FedAvgOptions {
  rounds: number;
  localEpochs: number;
  learningRate: number;
  batch: number;
  seed: number;
  /** chance that a hospital misses a round */
  dropout: number;
  /** fewest hospitals a round needs */
  quorum: number;
  /** stop after this many rounds without a lower pooled hold-out loss (early stopping) */
  patience: number;
}

export const FEDAVG_DEFAULTS: Omit<FedAvgOptions, 'seed'> = {
  rounds: 40,
  localEpochs: 1,
  learningRate: 0.1,
  batch: 32,
  dropout: 0,
  quorum: 2,
  patience: 5,
};

export interface RoundReport {
  round: number;
  /** hospitals whose update entered this round's sum */
  present: number[];
  skipped: boolean;
  /** pooled hold-out of the head the round started from */
  holdOutLoss: number;
  holdOutAccuracy: number;
  bytesUp: number;
  bytesDown: number;
}

export interface FedAvgRun {
  head: RidgeHead;
  /** the round whose starting head had the lowest pooled hold-out loss (0 = before any round) */
  bestRound: number;
  rounds: RoundReport[];
  /** the most any hospital sent (up) and received (down) over the rounds run */
  bytesUpPerHospital: number;
  bytesDownPerHospital: number;
  bytesPerCiphertextUp: number;
  ms: number;
}

const zeroHead = (features: number, classes: number): RidgeHead => ({
  features,
  classes,
  weights: new Float64Array(features * classes),
  bias: new Float64Array(classes),
});

const copyHead = (h: RidgeHead): RidgeHead => ({ ...h, weights: h.weights.slice(), bias: h.bias.slice() });

/** Softmax probabilities of one feature row (stable). */
function probabilities(head: RidgeHead, x: ArrayLike<number>): Float64Array {
  const z = Float64Array.from(head.bias);
  for (let f = 0; f < head.features; f++) {
    const v = x[f];
    for (let c = 0; c < head.classes; c++) z[c] += v * head.weights[f * head.classes + c];
  }
  const m = Math.max(...z);
  let s = 0;
  for (let c = 0; c < z.length; c++) s += z[c] = Math.exp(z[c] - m);
  for (let c = 0; c < z.length; c++) z[c] /= s;
  return z;
}

/** Cross-entropy sum and right answers of `head` on rows `idx`. */
export function lossAndRight(head: RidgeHead, x: ArrayLike<number>[], labels: number[], idx: number[]) {
  let loss = 0;
  let right = 0;
  for (const i of idx) {
    const p = probabilities(head, x[i]);
    loss -= Math.log(Math.max(p[labels[i]], 1e-12));
    if (p.indexOf(Math.max(...p)) === labels[i]) right++;
  }
  return { loss, right };
}

/** Minibatch SGD on softmax cross-entropy, in place, `epochs` passes over `idx` in a seeded order. */
export function trainLocally(
  head: RidgeHead,
  x: ArrayLike<number>[],
  labels: number[],
  idx: number[],
  opts: { epochs: number; learningRate: number; batch: number; rng: SeededRandom },
): void {
  const { features: d, classes: c } = head;
  const gw = new Float64Array(d * c);
  const gb = new Float64Array(c);
  const order = [...idx];
  for (let e = 0; e < opts.epochs; e++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = opts.rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let start = 0; start < order.length; start += opts.batch) {
      const batch = order.slice(start, start + opts.batch);
      gw.fill(0);
      gb.fill(0);
      for (const i of batch) {
        const p = probabilities(head, x[i]);
        p[labels[i]] -= 1;
        for (let f = 0; f < d; f++) {
          const v = x[i][f];
          for (let k = 0; k < c; k++) gw[f * c + k] += v * p[k];
        }
        for (let k = 0; k < c; k++) gb[k] += p[k];
      }
      const step = opts.learningRate / batch.length;
      for (let k = 0; k < gw.length; k++) head.weights[k] -= step * gw[k];
      for (let k = 0; k < c; k++) head.bias[k] -= step * gb[k];
    }
  }
}

const HOLD_OUT = 0.1;

/** The seeded draws of the protocol, shared by the simulation and the hospital processes (so they agree). */
export const fedavgPart = (share: number[], h: number, seed: number) =>
  localHoldOut(share, HOLD_OUT, seed + 1000 * (h + 1));
export const fedavgTrainingRng = (h: number, seed: number) => new SeededRandom(seed + 7 * (h + 1));
/** one draw per hospital per round, in hospital order: below `dropout` = absent */
export const fedavgAbsenceRng = (seed: number) => new SeededRandom(seed + 99);

/**
 * One present hospital's round message in plain, before encryption:
 * [n·Δweights, n·Δbias, n, hold-out loss sum, right answers, hold-out count].
 */
export function fedavgUpdate(
  global: RidgeHead,
  x: ArrayLike<number>[],
  labels: number[],
  part: { fit: number[]; holdOut: number[] },
  rng: SeededRandom,
  options: Pick<FedAvgOptions, 'localEpochs' | 'learningRate' | 'batch'>,
): Float64Array {
  const { features, classes } = global;
  const size = features * classes + classes;
  const { fit, holdOut } = part;
  const start = lossAndRight(global, x, labels, holdOut);
  const local = copyHead(global);
  trainLocally(local, x, labels, fit, {
    epochs: options.localEpochs,
    learningRate: options.learningRate,
    batch: options.batch,
    rng,
  });
  const v = new Float64Array(size + 4);
  const n = fit.length;
  local.weights.forEach((w, k) => (v[k] = n * (w - global.weights[k])));
  local.bias.forEach((b, k) => (v[features * classes + k] = n * (b - global.bias[k])));
  v.set([n, start.loss, start.right, holdOut.length], size);
  return v;
}

/** The decrypted sum of a closed round -> the next global head and the pooled hold-out of the one it started from. */
export function applyFedAvgSum(global: RidgeHead, total: Float64Array) {
  const { features, classes } = global;
  const size = features * classes + classes;
  const n = total[size];
  const next = copyHead(global);
  for (let k = 0; k < next.weights.length; k++) next.weights[k] += total[k] / n;
  for (let k = 0; k < classes; k++) next.bias[k] += total[features * classes + k] / n;
  return { next, holdOutLoss: total[size + 1] / total[size + 3], holdOutAccuracy: total[size + 2] / total[size + 3] };
}

export const fedavgVectorLength = (features: number, classes: number) => features * classes + classes + 4;
export { zeroHead, copyHead };

/** Runs FedAvg rounds over `shares` (indices into x and labels per hospital). */
export function simulateFedAvg(
  seal: Seal,
  x: ArrayLike<number>[],
  labels: number[],
  classes: number,
  shares: number[][],
  options: FedAvgOptions,
): FedAvgRun {
  const t0 = performance.now();
  const features = x[0].length;
  const parts = shares.map((share, h) => fedavgPart(share, h, options.seed));
  const rngs = shares.map((_, h) => fedavgTrainingRng(h, options.seed));
  const absence = fedavgAbsenceRng(options.seed);
  const key = createHospitalKey(seal);
  try {
    let global = zeroHead(features, classes);
    let best = { round: 0, loss: Infinity, head: copyHead(global) };
    const rounds: RoundReport[] = [];
    const up = shares.map(() => 0);
    const down = shares.map(() => 0);
    let sinceBest = 0;
    let upBytes = 0;
    let upCount = 0;
    for (let round = 1; round <= options.rounds; round++) {
      const present = shares.flatMap((_, h) => (absence.next() < options.dropout ? [] : [h]));
      const messages: EncryptedVector[] = present.map((h) =>
        key.encrypt(fedavgUpdate(global, x, labels, parts[h], rngs[h], options)),
      );
      const bytesUp = messages.map((m) => m.ciphertexts.reduce((s, b) => s + b.byteLength, 0));
      bytesUp.forEach((b) => ((upBytes += b), upCount++));
      const skipped = present.length < options.quorum;
      let report: RoundReport;
      if (skipped) {
        // below the quorum at the deadline: what was sent is dropped unopened, the head stays
        const bytes = Math.max(0, ...bytesUp);
        report = { round, present, skipped, holdOutLoss: NaN, holdOutAccuracy: NaN, bytesUp: bytes, bytesDown: 0 };
      } else {
        const sum = aggregate(seal, { contributions: messages });
        const bytesDown = sum.ciphertexts.reduce((s, b) => s + b.byteLength, 0);
        const { next, holdOutLoss, holdOutAccuracy } = applyFedAvgSum(global, key.decrypt(sum));
        if (holdOutLoss < best.loss) {
          best = { round: round - 1, loss: holdOutLoss, head: copyHead(global) };
          sinceBest = 0;
        } else sinceBest++;
        global = next;
        report = { round, present, skipped, holdOutLoss, holdOutAccuracy, bytesUp: Math.max(...bytesUp), bytesDown };
      }
      rounds.push(report);
      present.forEach((h, k) => ((up[h] += bytesUp[k]), (down[h] += report.bytesDown)));
      // early stopping: the rounds run are what the hospitals paid for, whichever head is kept
      if (sinceBest >= options.patience) break;
    }
    return {
      head: best.head,
      bestRound: best.round,
      rounds,
      bytesUpPerHospital: Math.max(...up),
      bytesDownPerHospital: Math.max(...down),
      bytesPerCiphertextUp: upCount ? upBytes / upCount : 0,
      ms: performance.now() - t0,
    };
  } finally {
    key.dispose();
  }
}

/** The centralised baseline: the same SGD on the pooled fit parts, epochs = rounds × local epochs, best epoch on the pooled hold-out. */
export function centralisedSoftmax(
  x: ArrayLike<number>[],
  labels: number[],
  classes: number,
  shares: number[][],
  options: FedAvgOptions,
): { head: RidgeHead; bestEpoch: number } {
  const parts = shares.map((share, h) => localHoldOut(share, HOLD_OUT, options.seed + 1000 * (h + 1)));
  const fit = parts.flatMap((p) => p.fit);
  const holdOut = parts.flatMap((p) => p.holdOut);
  const rng = new SeededRandom(options.seed + 5);
  const head = zeroHead(x[0].length, classes);
  let best = { epoch: 0, loss: lossAndRight(head, x, labels, holdOut).loss, head: copyHead(head) };
  for (let epoch = 1; epoch <= options.rounds * options.localEpochs; epoch++) {
    trainLocally(head, x, labels, fit, { epochs: 1, learningRate: options.learningRate, batch: options.batch, rng });
    const { loss } = lossAndRight(head, x, labels, holdOut);
    if (loss < best.loss) best = { epoch, loss, head: copyHead(head) };
    else if (epoch - best.epoch >= options.patience * options.localEpochs) break;
  }
  return { head: best.head, bestEpoch: best.epoch };
}
