/**
 * Frames of a multi-frame image: a frame slider (its keys step frames), play/pause
 * and the cine rate. Cine asks for the next frame only once the last one is on
 * screen, so a slow decode lowers the rate instead of piling up requests.
 */
import { useEffect } from 'react';
import { MAX_FRAME_RATE, MIN_FRAME_RATE } from '../../../lib/viewing/frameNavigation';
import { cineStep, goToFrame, setFps, setPlaying } from './viewerActions';
import { useViewer } from './viewerStore';

export function CineControls() {
  const frames = useViewer((s) => s.frames);
  const frame = useViewer((s) => s.frame);
  const shownFrame = useViewer((s) => s.shown?.frame);
  const loading = useViewer((s) => s.loading);
  const playing = useViewer((s) => s.playing);
  const fps = useViewer((s) => s.fps);

  useEffect(() => {
    if (!playing || loading) return;
    const timer = setTimeout(cineStep, 1000 / fps);
    return () => clearTimeout(timer);
  }, [playing, loading, fps, shownFrame]);

  if (frames < 2) return null;
  return (
    <div className="viewer-cine" role="group" aria-label="Frames">
      <label>
        Frame
        <input
          type="range"
          data-testid="viewer-frame-slider"
          min={1}
          max={frames}
          value={frame + 1}
          onChange={(e) => goToFrame(Number(e.target.value) - 1)}
        />
      </label>
      <output data-testid="viewer-frame" aria-live="off">
        {frame + 1} / {frames}
      </output>
      <button type="button" data-testid="viewer-play" aria-pressed={playing} onClick={() => setPlaying(!playing)}>
        {playing ? 'Pause' : 'Play'}
      </button>
      <label>
        Frames per second
        <input
          type="number"
          data-testid="viewer-fps"
          min={MIN_FRAME_RATE}
          max={MAX_FRAME_RATE}
          value={fps}
          onChange={(e) => setFps(Number(e.target.value))}
        />
      </label>
    </div>
  );
}
