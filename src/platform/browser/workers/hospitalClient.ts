/**
 * The page's side of a live federated run: one hospital worker per seat and the
 * in-tab aggregator worker, each behind its own WorkerBridge (calls in order, a
 * worker that dies fails its call at once). Not in the app's worker registry:
 * these live only while the "Hospital network" view runs, and `end` terminates
 * them all, dropping the features and the key they held.
 * Must never: send the key to the aggregator, or log what crosses (images, keys).
 */
import * as Comlink from 'comlink';
import { WorkerBridge } from './bridge';
import type { HospitalWorkerApi } from './hospital.worker';
import type { AggregatorWorkerApi } from './aggregator.worker';
import type { EncryptedVector } from '../../../lib/federated/ckksStatistics';

export type { HospitalWorkerApi } from './hospital.worker';

/** long enough that a presenter's pause does not drop the hospitals' features */
const IDLE_MS = 30 * 60_000;

export interface HospitalWorkers {
  hospitals: WorkerBridge<HospitalWorkerApi>[];
  /** the in-tab aggregator's sum (its worker starts on first use) */
  sum(contributions: EncryptedVector[]): Promise<EncryptedVector>;
  end(): void;
}

export function startHospitalWorkers(seats: number): HospitalWorkers {
  const hospitals = Array.from(
    { length: seats },
    (_, seat) =>
      new WorkerBridge<HospitalWorkerApi>(
        () =>
          new Worker(new URL('./hospital.worker.ts', import.meta.url), {
            type: 'module',
            name: `cipherscan-hospital-${seat + 1}`,
          }),
        IDLE_MS,
      ),
  );
  const aggregator = new WorkerBridge<AggregatorWorkerApi>(
    () =>
      new Worker(new URL('./aggregator.worker.ts', import.meta.url), { type: 'module', name: 'cipherscan-aggregator' }),
    IDLE_MS,
  );
  return {
    hospitals,
    sum: (contributions) => aggregator.call('sum', [contributions]),
    end() {
      for (const h of hospitals) h.terminate();
      aggregator.terminate();
    },
  };
}

/** A progress callback that may cross to a worker. */
export const progressProxy = (fn: (done: number) => void) => Comlink.proxy(fn);
