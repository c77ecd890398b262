/**
 * The live federated run, loaded after the first paint like the hospital-server
 * panel: its code (the chart, the rounds, the workers' client) is no part of the
 * first thing a user does.
 */
import { lazy, Suspense } from 'react';

const Training = lazy(() => import('./FederatedTraining').then((m) => ({ default: m.FederatedTraining })));

export function LazyFederatedTraining() {
  return (
    <Suspense fallback={<p className="hint">Loading the hospital network…</p>}>
      <Training />
    </Suspense>
  );
}
