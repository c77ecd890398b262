/** "Upload" for the scan on screen, with what it is doing, a Cancel button and its error. */
import { useFiles } from '../state/files';
import { formatBytes } from './messages';
import { useServer } from './state';
import { cancelUpload, uploadSelected } from './upload';

export function UploadControl() {
  const file = useFiles((s) => s.files.find((f) => f.id === s.selectedId));
  const busy = useServer((s) => s.busy);
  const upload = useServer((s) => s.upload);
  const hasKeys = useServer((s) => s.hasKeys);
  const error = useServer((s) => s.errors.upload);
  const ready = !!file?.decoded;

  return (
    <div className="server-upload">
      <button
        type="button"
        data-testid="upload-scan"
        disabled={!ready || !hasKeys || busy !== null}
        aria-describedby={error ? 'server-upload-error' : 'server-upload-hint'}
        onClick={() => void uploadSelected()}
      >
        {ready ? `Upload ${file.label}` : 'Upload'}
      </button>
      <p className="hint" id="server-upload-hint">
        {ready
          ? 'Sealed here under a new random key (AES-256-GCM, every frame); the server stores it without being able to open it.'
          : 'Load a scan first: the one on screen is uploaded.'}
      </p>
      {upload && (
        <div className="busy" role="status" data-testid="upload-progress">
          <span className="spinner" aria-hidden="true" />{' '}
          {upload.stage === 'sealing'
            ? `Sealing ${upload.fileLabel} in this browser…`
            : `Sending ${formatBytes(upload.bytesSent)} of ${formatBytes(upload.bytesTotal)}…`}
          <progress
            aria-label="Upload progress"
            max={upload.bytesTotal || 1}
            value={upload.stage === 'sealing' ? undefined : upload.bytesSent}
          />
          <button type="button" data-testid="upload-cancel" onClick={cancelUpload}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <p className="error" id="server-upload-error" role="alert" data-testid="upload-error">
          {error}
        </p>
      )}
    </div>
  );
}
