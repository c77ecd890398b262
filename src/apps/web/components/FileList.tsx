/** The loaded scans with a status each, a progress bar while a batch decodes, and the selection. */
import { useFiles, type ScanFile } from '../state/files';
import { useResults } from '../state/results';
import { cancelBatch } from '../actions/loadFiles';

const STATUS_TEXT: Record<ScanFile['status'], string> = {
  queued: 'queued',
  decoding: 'decoding…',
  ready: 'ready',
  encrypted: 'encrypted',
  error: 'error',
};

export function FileList() {
  const files = useFiles((s) => s.files);
  const selectedId = useFiles((s) => s.selectedId);
  const batch = useFiles((s) => s.batch);
  const select = useFiles((s) => s.select);
  const remove = useFiles((s) => s.remove);
  const dropResults = useResults((s) => s.dropFile);

  return (
    <section className="panel" aria-labelledby="files-title">
      <h2 id="files-title">Files</h2>
      {batch && (
        <div className="batch">
          <label htmlFor="batch-progress">
            Decoding {Math.min(batch.done + 1, batch.total)} of {batch.total}
          </label>
          <div className="batch-row">
            <progress id="batch-progress" data-testid="batch-progress" max={batch.total} value={batch.done} />
            <button type="button" data-testid="cancel-batch" onClick={cancelBatch}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {files.length === 0 ? (
        <p className="hint">No scans yet. Drop files above or pick a sample.</p>
      ) : (
        <ul className="file-list" data-testid="file-list">
          {files.map((f) => (
            <li
              key={f.id}
              className={f.id === selectedId ? 'file selected' : 'file'}
              data-testid={`file-${f.id}`}
              data-status={f.status}
            >
              <button
                type="button"
                className="file-select"
                onClick={() => select(f.id)}
                aria-pressed={f.id === selectedId}
              >
                <span className="file-name" title={f.originalName}>
                  {f.label}
                  {f.synthetic && <span className="badge">synthetic</span>}
                </span>
                <span className="file-origin">{f.originalName}</span>
                <span className={`status status-${f.status}`} data-testid="file-status">
                  {STATUS_TEXT[f.status]}
                </span>
                {f.error && (
                  <span className="file-error" role="alert" data-testid="file-error">
                    {f.error}
                  </span>
                )}
              </button>
              <button
                type="button"
                className="file-remove"
                aria-label={`Remove ${f.label}`}
                onClick={() => {
                  remove(f.id);
                  dropResults(f.id);
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
