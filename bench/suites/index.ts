/** The suites `npm run bench` runs, in order. Add model-inference suites here (see types.ts). */
import { bpeSuite } from './bpe';
import { inferenceSuite } from './inference';
import type { BenchSuite } from './types';

export function benchSuites(): BenchSuite[] {
  return [bpeSuite(), inferenceSuite()];
}
