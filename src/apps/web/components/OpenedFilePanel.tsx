/** A protected file opened with the current key: shown only when it opened whole, with whether it matches a loaded scan. */
import { useFiles } from '../state/files';
import { useResults } from '../state/results';
import { isPackageBusy, showOpenedFrame } from '../actions/exportImport';
import { ImageCanvas } from './ImageCanvas';

export function OpenedFilePanel() {
  const opened = useResults((s) => s.opened);
  const files = useFiles((s) => s.files);
  const busy = useResults((s) => s.busy);
  if (!opened) return null;
  const match = files.find((f) => f.id === opened.matchesFileId);
  return (
    <section className="panel" aria-labelledby="opened-title" data-testid="opened-file">
      <h2 id="opened-title">{opened.kind === 'package' ? 'Opened AES package' : 'Opened encrypted PNG'}</h2>
      <div className="opened">
        <div className="view-box small">
          <ImageCanvas image={opened.image} label="Decrypted content of the opened file" testId="canvas-opened" />
        </div>
        <div>
          <p data-testid="opened-match">
            {match
              ? `Identical, bit for bit, to ${match.label}.`
              : 'Decrypted intact; it matches none of the loaded scans.'}
          </p>
          <p className="hint">
            {opened.image.width} × {opened.image.height}
          </p>
          {opened.frames && (
            <p className="hint">
              <label>
                Frame{' '}
                <select
                  data-testid="opened-frame-picker"
                  value={opened.frames.position}
                  disabled={isPackageBusy(busy)}
                  onChange={(e) => void showOpenedFrame(Number(e.target.value))}
                >
                  {opened.frames.numbers.map((frame, position) => (
                    <option key={frame} value={position}>
                      {frame + 1}
                    </option>
                  ))}
                </select>
              </label>{' '}
              <span data-testid="opened-frames">
                ({opened.frames.numbers.length} of the file&apos;s {opened.frames.fileFrames} frames in this package)
              </span>
            </p>
          )}
          {opened.details.length > 0 && (
            <ul className="hint">
              {opened.details.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
