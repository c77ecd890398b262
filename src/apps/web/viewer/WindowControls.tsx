/**
 * Window/level controls: presets (CT windows in HU, the file's windows, full
 * range), width and level as number fields (the keyboard twin of dragging), Reset,
 * and the current window as text.
 */
import { windowPresets } from '../../../lib/viewing/presets';
import { formatNumber, formatWindow } from '../../../lib/viewing/windowLevel';
import type { DicomSummary } from '../../../lib/decode/types';
import { NumberField } from './NumberField';
import { resetWindow, setWindow } from './viewerActions';
import { useViewer } from './viewerStore';

export function WindowControls({ dicom }: { dicom?: DicomSummary }) {
  const grey = useViewer((s) => s.shown?.grey);
  const window = useViewer((s) => s.window);
  if (!grey || !window) {
    return (
      <p className="hint" data-testid="viewer-wl">
        Colour image: shown as decoded, no window.
      </p>
    );
  }
  const presets = windowPresets(dicom?.modality, dicom?.fileWindows ?? [], grey);
  const unit = dicom?.modality === 'CT' ? ' HU' : '';
  const same = (a: number, b: number) => Math.abs(a - b) < 1e-6;
  return (
    <div className="viewer-window" role="group" aria-label="Window and level (for looking only)">
      <output className="viewer-wl" data-testid="viewer-wl" aria-live="polite">
        {formatWindow(window)}
        {unit}
      </output>
      <div className="viewer-presets" role="group" aria-label="Window presets">
        {presets.map((p) => (
          <button
            key={p.id}
            type="button"
            data-testid={`preset-${p.id}`}
            aria-pressed={same(p.width, window.width) && same(p.center, window.center)}
            title={`W ${formatNumber(p.width)} / L ${formatNumber(p.center)}`}
            onClick={() => setWindow(p)}
          >
            {p.label}
          </button>
        ))}
        <button type="button" data-testid="viewer-reset" onClick={resetWindow}>
          Reset
        </button>
      </div>
      <NumberField
        label="Width"
        testId="viewer-width"
        min={1}
        value={window.width}
        onValue={(width) => setWindow({ ...window, width })}
      />
      <NumberField
        label="Level"
        testId="viewer-level"
        value={window.center}
        onValue={(center) => setWindow({ ...window, center })}
      />
    </div>
  );
}
