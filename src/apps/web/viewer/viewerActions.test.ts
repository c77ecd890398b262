/**
 * The viewer's keyboard twins of its gestures, on the store alone: width and level
 * steps, reset, zoom about the centre, cine rate limits, and frame keys that do
 * nothing on a single frame (so arrows can pan there).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fitView, frameKey, nudgeWindow, resetWindow, setFps, setPlaying, zoomBy } from './viewerActions';
import { useViewer } from './viewerStore';

const grey = { width: 1, height: 1, values: new Float32Array([0]), min: -1024, max: 3071, invert: false };

describe('viewer actions', () => {
  beforeEach(() =>
    useViewer.setState({
      fileId: null,
      frame: 0,
      frames: 1,
      shown: { token: 't', frame: 0, frames: 1, grey },
      window: { center: 40, width: 400 },
      initialWindow: { center: 1024, width: 4096 },
      zoom: null,
      pan: { x: 10, y: -20 },
      playing: false,
      fps: 10,
    }),
  );

  it('steps width and level by a hundredth of the range, and Reset returns to the first window', () => {
    nudgeWindow(1, 0);
    expect(useViewer.getState().window).toEqual({ center: 40, width: 441 });
    nudgeWindow(0, -2);
    expect(useViewer.getState().window).toEqual({ center: -42, width: 441 });
    nudgeWindow(-100, 0);
    expect(useViewer.getState().window!.width).toBe(1);
    resetWindow();
    expect(useViewer.getState().window).toEqual({ center: 1024, width: 4096 });
  });

  it('zooms from the fitted scale about the centre, and Fit undoes it', () => {
    zoomBy(2, 3);
    expect(useViewer.getState().zoom).toBe(6);
    expect(useViewer.getState().pan).toEqual({ x: 20, y: -40 });
    fitView();
    expect(useViewer.getState()).toMatchObject({ zoom: null, pan: { x: 0, y: 0 } });
  });

  it('a single frame neither steps nor plays; the rate stays within 1..60', () => {
    expect(frameKey('ArrowDown')).toBe(false);
    setPlaying(true);
    expect(useViewer.getState().playing).toBe(false);
    setFps(240);
    expect(useViewer.getState().fps).toBe(60);
  });
});
