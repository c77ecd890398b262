/** The audit trail of one of my scans: every decision the server's policies took on it, allowed or denied. */
import { actionLabel, decisionLabel, formatTime } from './messages';
import { loadAudit } from './studies';
import { slot, useServer } from './state';

export function AuditTrail({ uid }: { uid: string }) {
  const entries = useServer((s) => s.audit[uid]);
  const busy = useServer((s) => s.busy);
  const names = useServer((s) => s.names);
  const error = useServer((s) => s.errors[slot.audit(uid)]);
  const errorId = `audit-error-${uid}`;

  return (
    <div className="audit-trail">
      <button
        type="button"
        data-testid="audit-show"
        disabled={busy !== null}
        aria-describedby={error ? errorId : undefined}
        onClick={() => void loadAudit(uid)}
      >
        {entries ? 'Reload audit trail' : 'Audit trail'}
      </button>
      {error && (
        <p className="error" id={errorId} role="alert" data-testid="audit-error">
          {error}
        </p>
      )}
      {entries && entries.length === 0 && <p className="hint">No entries yet.</p>}
      {entries && entries.length > 0 && (
        <div className="table-scroll">
          <table className="server-table" data-testid="audit-table">
            <caption className="visually-hidden">Audit trail of this scan, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Decision</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq} data-testid="audit-entry" data-decision={e.decision} data-action={e.action}>
                  <td>{formatTime(e.at)}</td>
                  <td>{names[e.actor] ?? `account ${e.actor}`}</td>
                  <td>{actionLabel(e.action)}</td>
                  <td className={e.decision === 'allow' ? 'decision-allow' : 'decision-deny'}>
                    {decisionLabel(e.decision)}
                  </td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
