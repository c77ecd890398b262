/** Buttons for the linked zoom (the wheel and dragging do the same on any view). */
import { useSettings } from '../state/settings';

export function ZoomControls() {
  const view = useSettings((s) => s.view);
  const setView = useSettings((s) => s.setView);
  const reset = useSettings((s) => s.resetView);
  return (
    <div className="zoom-controls" role="group" aria-label="Zoom, linked across views">
      <button type="button" aria-label="Zoom out" onClick={() => setView({ ...view, zoom: view.zoom / 1.5 })}>
        −
      </button>
      <output data-testid="zoom-level">{Math.round(view.zoom * 100)}%</output>
      <button
        type="button"
        aria-label="Zoom in"
        data-testid="zoom-in"
        onClick={() => setView({ ...view, zoom: view.zoom * 1.5 })}
      >
        +
      </button>
      <button type="button" onClick={reset}>
        Reset
      </button>
    </div>
  );
}
