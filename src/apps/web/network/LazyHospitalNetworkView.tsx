/**
 * The "Hospital network" view, loaded after the first paint (like the hospital
 * server panel, issue 20): its code (the server client, the CKKS and attack
 * workers' glue) is no part of the first thing a user does.
 */
import { lazy, Suspense } from 'react';

const View = lazy(() => import('./HospitalNetworkView').then((m) => ({ default: m.HospitalNetworkView })));

export function HospitalNetworkView() {
  return (
    <Suspense fallback={<p className="hint">Loading the hospital network view…</p>}>
      <View />
    </Suspense>
  );
}
