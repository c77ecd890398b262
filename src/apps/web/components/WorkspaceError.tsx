/** The last failed step (encryption, attack, export, a refused package), said plainly; dismissible. */
import { useResults } from '../state/results';

export function WorkspaceError() {
  const error = useResults((s) => s.error);
  const setError = useResults((s) => s.setError);
  if (!error) return null;
  return (
    <div className="workspace-error" role="alert" data-testid="workspace-error">
      <span>{error}</span>
      <button type="button" aria-label="Dismiss" onClick={() => setError(null)}>
        ×
      </button>
    </div>
  );
}
