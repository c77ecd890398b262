/**
 * The last failed step (encryption, attack, export, a refused package), said plainly; dismissible. Each
 * place that can fail renders one of these beside its control, and the message shows only at the place
 * whose step failed: shown far below, it went unseen and the button seemed to do nothing. It also
 * scrolls itself into view, for the same reason.
 */
import { useEffect, useRef } from 'react';
import { useResults, type ErrorPlace } from '../state/results';

export function WorkspaceError({ at = 'workspace' }: { at?: ErrorPlace }) {
  const error = useResults((s) => (s.errorAt === at ? s.error : null));
  const setError = useResults((s) => s.setError);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) box.current?.scrollIntoView({ block: 'nearest' });
  }, [error]);
  if (!error) return null;
  return (
    <div className="workspace-error" role="alert" data-testid="workspace-error" ref={box}>
      <span>{error}</span>
      <button type="button" aria-label="Dismiss" onClick={() => setError(null)}>
        ×
      </button>
    </div>
  );
}
