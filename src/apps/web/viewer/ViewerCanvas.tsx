/**
 * The frame at its native size: the canvas holds one pixel per image pixel
 * (width × height of the file), windowed here for grey frames, the decoder's
 * colours for colour ones; CSS scales and moves it for zoom and pan.
 */
import { useEffect, useRef } from 'react';
import { renderWindowed } from '../../../lib/viewing/windowLevel';
import { toImageData } from '../imageData';
import { useViewer } from './viewerStore';

export function ViewerCanvas({ label, scale }: { label: string; scale: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const shown = useViewer((s) => s.shown);
  const window = useViewer((s) => s.window);
  const pan = useViewer((s) => s.pan);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !shown) return;
    const source = shown.grey ?? shown.image;
    if (!source) return;
    if (c.width !== source.width || c.height !== source.height) {
      c.width = source.width;
      c.height = source.height;
    }
    const ctx = c.getContext('2d')!;
    if (shown.grey && window) {
      const data = ctx.createImageData(shown.grey.width, shown.grey.height);
      renderWindowed(shown.grey, window, data.data);
      ctx.putImageData(data, 0, 0);
    } else if (shown.image) ctx.putImageData(toImageData(shown.image), 0, 0);
  }, [shown, window]);

  const source = shown?.grey ?? shown?.image;
  return (
    <canvas
      ref={canvas}
      role="img"
      aria-label={label}
      data-testid="viewer-canvas"
      className={scale >= 2 ? 'viewer-canvas pixelated' : 'viewer-canvas'}
      style={
        source
          ? {
              width: `${source.width * scale}px`,
              height: `${source.height * scale}px`,
              transform: `translate(-50%, -50%) translate(${pan.x}px, ${pan.y}px)`,
            }
          : undefined
      }
    />
  );
}
