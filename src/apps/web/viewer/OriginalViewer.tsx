/**
 * The original viewer, beside the 200 × 200 model views: the selected scan at its
 * native resolution with zoom and pan, window/level by drag, presets and keys,
 * frames by wheel, keys and cine, and the metadata grouped for people. Looking
 * only: the window and frame here never reach the model input, the encryption or
 * the diagnosis (those use the scan's chosen frame and grey levels, Scan details).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { selectedFile, useFiles } from '../state/files';
import { canvasLabel } from '../components/canvasLabel';
import { CineControls } from './CineControls';
import { MetadataPanel } from './MetadataPanel';
import { openInViewer } from './showFrame';
import { fitView, zoomBy } from './viewerActions';
import { useViewer, type DragTool } from './viewerStore';
import { useViewerInput } from './useViewerInput';
import { ViewerCanvas } from './ViewerCanvas';
import { WindowControls } from './WindowControls';
import './viewer.css';

const KEYS_HELP =
  'Drag: window/level (left-right width, up-down level) or pan, as chosen; Shift-drag or right-drag pans. ' +
  'Wheel or arrows, Page Up/Down, Home/End: frames. Shift+arrows: width and level. Alt+arrows: pan. ' +
  '+ and -: zoom, 0: fit, R: reset window, Space: play/pause.';

export function OriginalViewer() {
  const file = useFiles(selectedFile);
  const decoded = file?.decoded;
  const box = useRef<HTMLDivElement>(null);
  const [boxSize, setBoxSize] = useState({ width: 0, height: 0 });
  const shown = useViewer((s) => s.shown);
  const zoom = useViewer((s) => s.zoom);
  const tool = useViewer((s) => s.tool);
  const error = useViewer((s) => s.error);
  const viewerFile = useViewer((s) => s.fileId);

  useEffect(() => {
    if (file && decoded) void openInViewer(file);
    else useViewer.getState().set({ fileId: null, shown: undefined, playing: false });
    // reopen when the scan or its decode changes, not on every store update of the file
  }, [file?.id, decoded]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setBoxSize({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, [decoded !== undefined]);

  const source = shown?.grey ?? shown?.image;
  const fitted = source ? Math.min(boxSize.width / source.width, boxSize.height / source.height) || 1 : 1;
  const fittedRef = useRef(fitted);
  fittedRef.current = fitted;
  const getFitted = useCallback(() => fittedRef.current, []);
  useViewerInput(box, getFitted, decoded !== undefined);

  if (!file || !decoded) return null;
  const scale = zoom ?? fitted;
  return (
    <section className="panel viewer-panel" aria-labelledby="viewer-title" data-testid="original-viewer">
      <div className="panel-head">
        <h2 id="viewer-title">Original, native resolution</h2>
        <p className="hint">For looking only: the model views use the 200 × 200 input.</p>
      </div>
      <div className="viewer-layout">
        <div className="viewer-main">
          <div className="viewer-tools">
            <fieldset className="viewer-tool">
              <legend>Drag to</legend>
              {(['window', 'pan'] as DragTool[]).map((t) => (
                <label key={t}>
                  <input
                    type="radio"
                    name="viewer-tool"
                    data-testid={`viewer-tool-${t}`}
                    checked={tool === t}
                    onChange={() => useViewer.getState().set({ tool: t })}
                  />
                  {t === 'window' ? 'Window/level' : 'Pan'}
                </label>
              ))}
            </fieldset>
            <div className="viewer-zoom" role="group" aria-label="Zoom of the original">
              <button type="button" aria-label="Shrink the original" onClick={() => zoomBy(0.8, fitted)}>
                −
              </button>
              <output data-testid="viewer-zoom">{Math.round(scale * 100)}%</output>
              <button type="button" aria-label="Enlarge the original" onClick={() => zoomBy(1.25, fitted)}>
                +
              </button>
              <button type="button" onClick={fitView}>
                Fit
              </button>
              <button type="button" onClick={() => useViewer.getState().set({ zoom: 1, pan: { x: 0, y: 0 } })}>
                1:1
              </button>
            </div>
          </div>
          <WindowControls dicom={decoded.dicom} />
          <div
            className="viewer-box"
            ref={box}
            tabIndex={0}
            role="application"
            aria-roledescription="image viewer"
            aria-label={`Original of ${file.label}`}
            aria-describedby="viewer-keys"
            data-testid="viewer-box"
          >
            {viewerFile === file.id && shown && (
              <ViewerCanvas label={canvasLabel('Original at native resolution', file)} scale={scale} />
            )}
            {error && (
              <p className="error" role="alert">
                {error}
              </p>
            )}
          </div>
          <p className="hint" id="viewer-keys">
            {source ? `${source.width} × ${source.height} pixels. ` : ''}
            {KEYS_HELP}
          </p>
          <CineControls />
        </div>
        <MetadataPanel decoded={decoded} />
      </div>
    </section>
  );
}
