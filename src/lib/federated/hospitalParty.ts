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
import type { SeededRandom } from '../random/seededRandom';
import type { Seal } from '../cipher/ckks';
import { createHospitalKey, type EncryptedVector, type HospitalKey } from './ckksStatistics';
import { applyFedAvgSum, copyHead, fedavgPart, fedavgTrainingRng, fedavgUpdate, zeroHead } from './fedavgHead';
import type { RidgeHead } from './ridge';
import { headFromSum, hospitalStatistics } from './simulateRidge';

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

export { zeroHead };

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
    /** the run's seed: the same hold-out and SGD order as the simulations for this seat */
    private readonly seed: number,
  ) {
    if (x.length === 0) throw new Error(`hospital ${seat + 1} has no images`);
    const parts = fedavgPart(
      labels.map((_, i) => i),
      seat,
      seed,
    );
    this.fit = parts.fit;
    this.holdOut = parts.holdOut;
    this.rng = fedavgTrainingRng(seat, seed);
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
    const all = this.labels.map((_, i) => i);
    return this.requireKey().encrypt(hospitalStatistics(this.x, this.labels, all, this.seat, this.classes, this.seed));
  }

  /** Decrypts the summed statistics, picks λ on the pooled hold-out, solves on all of them. */
  solveRidge(sum: EncryptedVector): { head: RidgeHead; lambda: number } {
    const { head, lambda } = headFromSum(this.requireKey().decrypt(sum), this.features, this.classes);
    return { head, lambda: lambda.lambda };
  }

  /** FedAvg: [n·Δweights, n·Δbias, n, hold-out loss, right, count] of local training from the global head, encrypted. */
  fedavgMessage(options: LocalTraining): EncryptedVector {
    const part = { fit: this.fit, holdOut: this.holdOut };
    return this.requireKey().encrypt(fedavgUpdate(this.global, this.x, this.labels, part, this.rng, options));
  }

  /** Decrypts a round's sum and moves the global head by the image-weighted mean update. */
  applyRound(sum: EncryptedVector): RoundSummary {
    const total = this.requireKey().decrypt(sum);
    const n = total[this.features * this.classes + this.classes];
    if (!(n > 0)) throw new Error('the round sum holds no images');
    const { next, holdOutLoss, holdOutAccuracy } = applyFedAvgSum(this.global, total);
    this.global = next;
    return { head: copyHead(next), images: Math.round(n), holdOutLoss, holdOutAccuracy };
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
