/**
 * Original | Encrypted | Attacked, side by side, zoom and pan linked (wheel to
 * zoom, drag to pan, or the buttons). Each view shows its metrics against the
 * original model input, so the numbers and the pictures always refer to the
 * same 200 x 200 pixels.
 */
import { useRef } from 'react';
import type { RgbImage } from '../../../lib/image/rgb';
import { selectedFile, useFiles } from '../state/files';
import { useResults, type LeakageMetrics } from '../state/results';
import type { ViewName } from '../state/settings';
import { ATTACKS } from '../actions/attack';
import { encryptReadyFiles } from '../actions/encrypt';
import { usePanZoom } from '../usePanZoom';
import { ImageCanvas } from './ImageCanvas';
import { canvasLabel } from './canvasLabel';
import { MetricsList } from './MetricsList';
import { GpuToggle } from './GpuToggle';
import { ZoomControls } from './ZoomControls';
import { WorkspaceError } from './WorkspaceError';

export function useViewImages(): Record<ViewName, RgbImage | undefined> {
  const file = useFiles(selectedFile);
  const r = useResults((s) => (file ? s.byFile[file.id] : undefined));
  return { original: file?.modelInput, encrypted: r?.encrypted, attacked: r?.attack?.image };
}

function ViewBox({
  name,
  title,
  image,
  metrics,
  empty,
}: {
  name: ViewName;
  title: string;
  image?: RgbImage;
  metrics?: LeakageMetrics;
  empty: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const file = useFiles(selectedFile);
  usePanZoom(box, image !== undefined);
  return (
    <figure className="view" data-testid={`view-${name}`}>
      <figcaption>{title}</figcaption>
      <div
        className="view-box"
        ref={box}
        tabIndex={image ? 0 : -1}
        aria-label={`${title}: drag or arrow keys to pan, wheel or + and - to zoom (all views move together)`}
      >
        {image ? (
          <ImageCanvas image={image} label={canvasLabel(title, file)} testId={`canvas-${name}`} />
        ) : (
          <p className="view-empty">{empty}</p>
        )}
      </div>
      {name === 'original' ? (
        <p className="hint">Reference: model input {image ? `${image.width} × ${image.height}` : ''}</p>
      ) : metrics ? (
        <MetricsList metrics={metrics} testId={`metrics-${name}`} />
      ) : (
        <p className="hint">Metrics appear here.</p>
      )}
    </figure>
  );
}

export function ViewGrid() {
  const file = useFiles(selectedFile);
  const images = useViewImages();
  const r = useResults((s) => (file ? s.byFile[file.id] : undefined));
  const hasReady = useFiles((s) => s.files.some((f) => f.status === 'ready' || f.status === 'encrypted'));
  const busy = useResults((s) => s.busy);
  const attackTitle = ATTACKS.find((a) => a.kind === r?.attack?.kind)?.short;
  return (
    <section className="panel views-panel" aria-labelledby="views-title">
      <div className="panel-head">
        <h2 id="views-title">3. Encrypt and compare</h2>
        <button
          type="button"
          className="primary"
          data-testid="encrypt"
          disabled={!hasReady || busy === 'encrypting'}
          onClick={() => void encryptReadyFiles()}
        >
          {busy === 'encrypting' ? 'Encrypting…' : 'Encrypt all ready scans'}
        </button>
        <GpuToggle />
        <ZoomControls />
      </div>
      <WorkspaceError at="encrypt" />
      <div className="view-grid">
        <ViewBox name="original" title="Original" image={images.original} empty={file?.error ?? 'Load a scan'} />
        <ViewBox
          name="encrypted"
          title="Encrypted (BPE)"
          image={images.encrypted}
          metrics={r?.encryptedMetrics}
          empty="Not encrypted yet"
        />
        <ViewBox
          name="attacked"
          title={attackTitle ? `Attacked: ${attackTitle}` : 'Attacked'}
          image={images.attacked}
          metrics={r?.attack?.metrics}
          empty={busy === 'attacking' ? 'Attacking…' : 'Run an attack below'}
        />
      </div>
    </section>
  );
}
