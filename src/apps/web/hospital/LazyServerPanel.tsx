/**
 * The hospital-server panel, loaded after the first paint (issue 20): its code (passkeys, JOSE,
 * the sharing library, the server client) is a third of the page's script and no part of the
 * first thing a user does, so the page's first control does not wait on it.
 */
import { lazy, Suspense } from 'react';

const Panel = lazy(() => import('./ServerPanel').then((m) => ({ default: m.ServerPanel })));

export function ServerPanel() {
  return (
    <Suspense fallback={<p className="hint">Loading the hospital server panel…</p>}>
      <Panel />
    </Suspense>
  );
}
