/**
 * `cipherscan federated simulate --method fedavg …` (see federated.ts): the
 * paper's comparison, measured in one run — FedAvg of the same head with every
 * round's update CKKS-encrypted (fedavgHead.ts), the one-shot ridge protocol on
 * the same shares, and the centralised SGD baseline; Testing once for each head,
 * bytes per hospital measured for both protocols.
 */
import type { Seal } from '../../../lib/cipher/ckks';
import { accuracy, type RidgeHead } from '../../../lib/federated/ridge';
import { simulateRidge } from '../../../lib/federated/simulateRidge';
import { centralisedSoftmax, simulateFedAvg, type FedAvgOptions } from '../../../lib/federated/fedavgHead';
import { wilson } from '../../../learn/evaluation/domainGuardReport';

export interface FeatureSets {
  training: { features: Float32Array[]; labels: number[] };
  testing: { features: Float32Array[]; labels: number[] };
  classes: number;
}

export function fedavgReport(
  seal: Seal,
  sets: FeatureSets,
  shares: number[][],
  options: FedAvgOptions,
  shipped: RidgeHead,
) {
  const { training, testing, classes } = sets;
  const onTesting = (head: RidgeHead) => {
    const k = Math.round(accuracy(head, testing.features, testing.labels) * testing.labels.length);
    return wilson(k, testing.labels.length);
  };
  const fed = simulateFedAvg(seal, training.features, training.labels, classes, shares, options);
  const ridge = simulateRidge(seal, training.features, training.labels, classes, shares, options.seed);
  const central = centralisedSoftmax(training.features, training.labels, classes, shares, options);
  const ridgeBytes = Math.max(...ridge.hospitals.map((h) => h.bytesSent));
  return {
    method: 'fedavg (CKKS-encrypted updates every round) beside one-shot ridge on the same shares',
    simulation: 'one process: hospitals and aggregator are separate objects exchanging bytes, not processes over HTTP',
    options,
    fedavg: {
      bestRound: fed.bestRound,
      roundsRun: fed.rounds.length,
      skippedRounds: fed.rounds.filter((r) => r.skipped).length,
      rounds: fed.rounds,
      bytesUpPerHospital: fed.bytesUpPerHospital,
      bytesDownPerHospital: fed.bytesDownPerHospital,
      bytesPerCiphertextUp: fed.bytesPerCiphertextUp,
      ms: fed.ms,
      rule:
        'head kept: the round start with the lowest pooled hold-out cross-entropy (hold-out figures summed under CKKS); ' +
        `stop after ${options.patience} rounds without improvement`,
    },
    ridge: { bytesUpPerHospital: ridgeBytes, bytesDownPerHospital: ridge.bytesDown, lambda: ridge.lambda.lambda },
    trafficRatio: {
      up: fed.bytesUpPerHospital / ridgeBytes,
      upAndDown: (fed.bytesUpPerHospital + fed.bytesDownPerHospital) / (ridgeBytes + ridge.bytesDown),
      note: 'most bytes any hospital sent (and received) in the whole run: FedAvg over every round run, ridge one message each way',
    },
    testing: {
      fedavg: onTesting(fed.head),
      ridge: onTesting(ridge.head),
      centralisedSgd: onTesting(central.head),
      centralisedBestEpoch: central.bestEpoch,
      shippedHead: onTesting(shipped),
    },
    fedavgHead: fed.head,
  };
}
