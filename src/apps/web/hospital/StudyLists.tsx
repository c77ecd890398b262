/**
 * "My scans" (each with Share, its readers with Revoke, and its audit trail) and
 * "Shared with me" (each with Open). Scans are named by the end of their
 * pseudonymous UID: the server holds no patient attribute to show.
 */
import type { StudySummary } from '../../../lib/serverClient';
import { AuditTrail } from './AuditTrail';
import { formatBytes, formatTime, purposeLabel, shortUid } from './messages';
import { openSharedStudy } from './openShared';
import { ShareForm } from './ShareForm';
import { loadReaders, refreshLists, revokeReader } from './studies';
import { slot, useServer } from './state';

function Facts({ study }: { study: StudySummary }) {
  return (
    <>
      {study.modality} · {study.frames} {study.frames === 1 ? 'frame' : 'frames'} · {formatBytes(study.packageBytes)} ·
      uploaded {formatTime(study.uploadedAt)} · version {study.version}
    </>
  );
}

function Readers({ uid }: { uid: string }) {
  const readers = useServer((s) => s.readers[uid]);
  const busy = useServer((s) => s.busy);
  const error = useServer((s) => s.errors[slot.revoke(uid)]);
  const errorId = `revoke-error-${uid}`;
  if (!readers) return <p className="hint">Loading who may read it…</p>;
  return (
    <div>
      {readers.length === 0 ? (
        <p className="hint" data-testid="no-readers">
          Shared with nobody.
        </p>
      ) : (
        <ul className="reader-list" aria-label="Who may read this scan">
          {readers.map((r) => (
            <li key={r.name} data-testid="reader" data-name={r.name}>
              <span>
                <strong>{r.name}</strong> · {purposeLabel(r.purpose)} ·{' '}
                {r.until ? `until ${formatTime(r.until)}` : 'no end date'}
              </span>{' '}
              <button
                type="button"
                data-testid="revoke"
                disabled={busy !== null}
                aria-label={`Revoke ${r.name}`}
                aria-describedby={error ? errorId : undefined}
                onClick={() => void revokeReader(uid, r.name)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="error" id={errorId} role="alert" data-testid="revoke-error">
          {error}
        </p>
      )}
    </div>
  );
}

function MyScan({ study }: { study: StudySummary }) {
  return (
    <li className="study" data-testid="my-scan" data-uid={study.uid}>
      <p className="study-facts">
        <strong>Scan {shortUid(study.uid)}</strong> · <Facts study={study} />
      </p>
      <details
        onToggle={(e) => {
          if ((e.target as HTMLDetailsElement).open) void loadReaders(study.uid);
        }}
      >
        <summary data-testid="my-scan-manage">Share, readers and audit trail</summary>
        <ShareForm uid={study.uid} />
        <h4>Who may read it</h4>
        <Readers uid={study.uid} />
        <h4>Audit trail</h4>
        <AuditTrail uid={study.uid} />
      </details>
    </li>
  );
}

function SharedScan({ study }: { study: StudySummary }) {
  const busy = useServer((s) => s.busy);
  const opening = useServer((s) => s.busy === 'opening' && s.busyStudy === study.uid);
  const error = useServer((s) => s.errors[slot.open(study.uid)]);
  const errorId = `open-error-${study.uid}`;
  return (
    <li className="study" data-testid="shared-scan" data-uid={study.uid}>
      <p className="study-facts">
        <strong>From {study.ownerName}</strong> · <Facts study={study} />
        <br />
        For {purposeLabel(study.purpose).toLowerCase()} ·{' '}
        {study.until ? `until ${formatTime(study.until)}` : 'no end date'}
      </p>
      <button
        type="button"
        data-testid="open-shared"
        disabled={busy !== null}
        aria-describedby={error ? errorId : undefined}
        onClick={() => void openSharedStudy(study)}
      >
        {opening ? 'Opening…' : 'Open'}
      </button>
      {error && (
        <p className="error" id={errorId} role="alert" data-testid="open-error">
          {error}
        </p>
      )}
    </li>
  );
}

export function StudyLists() {
  const mine = useServer((s) => s.mine);
  const shared = useServer((s) => s.shared);
  const error = useServer((s) => s.errors.lists);
  return (
    <div className="study-lists">
      <div className="panel-head">
        <h3 id="my-scans-title">My scans</h3>
        <button type="button" data-testid="refresh-lists" onClick={() => void refreshLists()}>
          Refresh
        </button>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="lists-error">
          {error}
        </p>
      )}
      {mine.length === 0 ? (
        <p className="hint">None uploaded yet.</p>
      ) : (
        <ul className="study-list" aria-labelledby="my-scans-title" data-testid="my-scans">
          {mine.map((s) => (
            <MyScan key={s.uid} study={s} />
          ))}
        </ul>
      )}
      <h3 id="shared-scans-title">Shared with me</h3>
      {shared.length === 0 ? (
        <p className="hint">Nothing shared with you yet.</p>
      ) : (
        <ul className="study-list" aria-labelledby="shared-scans-title" data-testid="shared-scans">
          {shared.map((s) => (
            <SharedScan key={s.uid} study={s} />
          ))}
        </ul>
      )}
    </div>
  );
}
