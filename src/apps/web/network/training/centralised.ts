/**
 * The centralised baselines the chart compares against, trained in the page on
 * the three hospitals' features pooled — which is exactly what the federated
 * protocol avoids, so the view labels them "for comparison only: pools the
 * data". The same head, the same rules: ridge with λ from a seeded 10 % hold-out
 * (simulateRidge.ts centralisedRidge), and the same minibatch SGD as a
 * hospital's local training, `localEpochs` passes per "round" so the two curves
 * share the x axis.
 */
import { SeededRandom } from '../../../../lib/random/seededRandom';
import { trainLocally } from '../../../../lib/federated/fedavgHead';
import { zeroHead, type LocalTraining } from '../../../../lib/federated/hospitalParty';
import { accuracy, type RidgeHead } from '../../../../lib/federated/ridge';
import { centralisedRidge } from '../../../../lib/federated/simulateRidge';

export interface Pooled {
  x: ArrayLike<number>[];
  labels: number[];
}

export interface Centralised {
  ridgeAccuracy: number;
  /** test accuracy after each round's worth of epochs, index 0 = round 1 */
  sgdAccuracy: number[];
}

export function centralisedBaselines(
  pooled: Pooled,
  test: Pooled,
  classes: number,
  rounds: number,
  training: LocalTraining,
  seed: number,
): Centralised {
  const ridge: RidgeHead = centralisedRidge(pooled.x, pooled.labels, classes, seed).head;
  const head = zeroHead(pooled.x[0].length, classes);
  const rng = new SeededRandom(seed + 5);
  const all = pooled.labels.map((_, i) => i);
  const sgdAccuracy: number[] = [];
  for (let r = 0; r < rounds; r++) {
    trainLocally(head, pooled.x, pooled.labels, all, { ...training, epochs: training.localEpochs, rng });
    sgdAccuracy.push(accuracy(head, test.x, test.labels));
  }
  return { ridgeAccuracy: accuracy(ridge, test.x, test.labels), sgdAccuracy };
}
