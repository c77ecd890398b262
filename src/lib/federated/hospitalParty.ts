/**
 * One hospital of a live federated run (issue 17, the page's hospital workers):
 * the state a hospital keeps between messages — its own features and labels, its
 * fit / hold-out split, the shared CKKS key and the global head — and the
 * messages it sends, in the formats of simulateRidge.ts and fedavgHead.ts, so a
 * live run and the in-process simulation compute the same thing. Transport-free:
 * whoever holds a party (a worker, a CLI process) moves its ciphertexts.
 *
 * Must never: return a feature, a label or a plain statistic in a message (only
 * ciphertexts leave through `ridgeMessage` / `fedavgMessage`); export the secret
 * key anywhere but to another hospital (`exportSecretKey`, for the caller to pass on).
 */
import { SeededRandom } from '../random/seededRandom';
import type { Seal } from '../cipher/ckks';
import { createHospitalKey, type EncryptedVector, type HospitalKey } from './ckksStatistics';
import { localHoldOut } from './hospitalSplit';
import { lossAndRight, trainLocally } from './fedavgHead';
import { chooseLambda, solveRidge, statistics, statisticsLength, sumStatistics, type RidgeHead } from './ridge';

/** The same 10 % local hold-out as the simulations. */
const HOLD_OUT = 0.1;

export interface LocalTraining {
  localEpochs: number;
  learningRate: number;
  batch: number;
}

/** What a hospital learns from a decrypted FedAvg sum besides the new head. */
export interface RoundSummary {
  head: RidgeHead;
  /** images whose updates entered the sum */
  images: number;
  /** pooled hold-out loss and accuracy of the head the round started from (sums of the hospitals' own) */
  holdOutLoss: number;
  holdOutAccuracy: number;
}

export const zeroHead = (features: number, classes: number): RidgeHead => ({
  features,
  classes,
  weights: new Float64Array(features * classes),
  bias: new Float64Array(classes),
});

const copyHead = (h: RidgeHead): RidgeHead => ({ ...h, weights: h.weights.slice(), bias: h.bias.slice() });

export class HospitalParty {
  private key: HospitalKey | undefined;
  private readonly fit: number[];
  private readonly holdOut: number[];
  private readonly rng: SeededRandom;
  private global: RidgeHead;

  constructor(
    private readonly seal: Seal,
    readonly seat: number,
    private readonly x: ArrayLike<number>[],
    private readonly labels: number[],
    readonly classes: number,
    seed: number,
  ) {
    if (x.length === 0) throw new Error(`hospital ${seat + 1} has no images`);
    const parts = localHoldOut(
      labels.map((_, i) => i),
      HOLD_OUT,
      seed + 1000 * (seat + 1),
    );
    this.fit = parts.fit;
    this.holdOut = parts.holdOut;
    this.rng = new SeededRandom(seed + 7 * (seat + 1));
    this.global = zeroHead(x[0].length, classes);
  }

  get features(): number {
    return this.x[0].length;
  }

  /** Seat 0 makes the key; its bytes go to the other hospitals only. */
  makeKey(): Uint8Array {
    this.key?.dispose();
    this.key = createHospitalKey(this.seal);
    return this.key.exportSecretKey();
  }

  takeKey(secretKey: Uint8Array): void {
    this.key?.dispose();
    this.key = createHospitalKey(this.seal, secretKey);
  }

  private requireKey(): HospitalKey {
    if (!this.key) throw new Error(`hospital ${this.seat + 1} has no CKKS key yet`);
    return this.key;
  }

  /** Ridge (one shot): the statistics of the fit part then of the hold-out, encrypted together. */
  ridgeMessage(): EncryptedVector {
    const n = statisticsLength(this.features, this.classes);
    const part = (idx: number[]) =>
      statistics(
        idx.map((i) => this.x[i]),
        idx.map((i) => this.labels[i]),
        this.features,
        this.classes,
      ).packed;
    const vector = new Float64Array(2 * n);
    vector.set(part(this.fit));
    vector.set(part(this.holdOut), n);
    return this.requireKey().encrypt(vector);
  }

  /** Decrypts the summed statistics, picks λ on the pooled hold-out, solves on all of them. */
  solveRidge(sum: EncryptedVector): { head: RidgeHead; lambda: number } {
    const decrypted = this.requireKey().decrypt(sum);
    const n = statisticsLength(this.features, this.classes);
    const fit = { features: this.features, classes: this.classes, packed: decrypted.slice(0, n) };
    const hold = { features: this.features, classes: this.classes, packed: decrypted.slice(n, 2 * n) };
    const choice = chooseLambda(fit, hold);
    return { head: solveRidge(sumStatistics([fit, hold]), choice.lambda), lambda: choice.lambda };
  }

  /** FedAvg: [n·Δweights, n·Δbias, n, hold-out loss, right, count] of local training from the global head, encrypted. */
  fedavgMessage(options: LocalTraining): EncryptedVector {
    const { features, classes } = this;
    const size = features * classes + classes;
    const start = lossAndRight(this.global, this.x, this.labels, this.holdOut);
    const local = copyHead(this.global);
    trainLocally(local, this.x, this.labels, this.fit, {
      epochs: options.localEpochs,
      learningRate: options.learningRate,
      batch: options.batch,
      rng: this.rng,
    });
    const n = this.fit.length;
    const v = new Float64Array(size + 4);
    local.weights.forEach((w, k) => (v[k] = n * (w - this.global.weights[k])));
    local.bias.forEach((b, k) => (v[features * classes + k] = n * (b - this.global.bias[k])));
    v.set([n, start.loss, start.right, this.holdOut.length], size);
    return this.requireKey().encrypt(v);
  }

  /** Decrypts a round's sum and moves the global head by the image-weighted mean update. */
  applyRound(sum: EncryptedVector): RoundSummary {
    const { features, classes } = this;
    const size = features * classes + classes;
    const total = this.requireKey().decrypt(sum);
    const n = total[size];
    if (!(n > 0)) throw new Error('the round sum holds no images');
    const next = copyHead(this.global);
    for (let k = 0; k < next.weights.length; k++) next.weights[k] += total[k] / n;
    for (let k = 0; k < classes; k++) next.bias[k] += total[features * classes + k] / n;
    this.global = next;
    return {
      head: copyHead(next),
      images: Math.round(n),
      holdOutLoss: total[size + 1] / total[size + 3],
      holdOutAccuracy: total[size + 2] / total[size + 3],
    };
  }

  /** The global head (every hospital holds it): handed to one that missed rounds, and to the page to evaluate. */
  get head(): RidgeHead {
    return copyHead(this.global);
  }

  set head(head: RidgeHead) {
    if (head.features !== this.features || head.classes !== this.classes) throw new Error('head of another shape');
    this.global = copyHead(head);
  }

  /** Starts FedAvg over from a zero head (a new run on the same features and key). */
  resetHead(): void {
    this.global = zeroHead(this.features, this.classes);
  }

  dispose(): void {
    this.key?.dispose();
    this.key = undefined;
  }
}
