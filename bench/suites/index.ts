/** The suites `npm run bench` runs, in order. Add model-inference suites here (see types.ts). */
import { bpeSuite } from './bpe';
import { ensembleSuite } from './ensemble';
import { heSuite } from './he';
import { inferenceSuite } from './inference';
import { serverSuite } from '../server/suite';
import { startupSuite } from '../startup/suite';
import type { AnyBenchSuite } from './types';

export function benchSuites(): AnyBenchSuite[] {
  return [bpeSuite(), inferenceSuite(), ensembleSuite(), heSuite(), serverSuite(), startupSuite()];
}
