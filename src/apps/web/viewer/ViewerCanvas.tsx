/**
 * The frame at its native size: the canvas holds one pixel per image pixel
 * (width × height of the file), windowed here for grey frames, the decoder's
 * colours for colour ones; CSS scales and moves it for zoom and pan. Windowing a
 * 4096² frame takes about 74 ms on one core (`npx tsx bench/viewerWindowing.ts`),
 * so drawing waits for the next animation frame and reuses its pixel buffer.
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

  // one ImageData per frame size, reused by every window change (a 4096² frame is 64 MB of RGBA)
  const pixels = useRef<ImageData | null>(null);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !shown) return;
    const source = shown.grey ?? shown.image;
    if (!source) return;
    // drawn on the next animation frame: a drag's many window changes in one frame cost one windowing
    const id = requestAnimationFrame(() => {
      if (c.width !== source.width || c.height !== source.height) {
        c.width = source.width;
        c.height = source.height;
      }
      const ctx = c.getContext('2d')!;
      if (shown.grey && window) {
        const grey = shown.grey;
        if (pixels.current?.width !== grey.width || pixels.current.height !== grey.height)
          pixels.current = ctx.createImageData(grey.width, grey.height);
        renderWindowed(grey, window, pixels.current.data);
        ctx.putImageData(pixels.current, 0, 0);
      } else if (shown.image) ctx.putImageData(toImageData(shown.image), 0, 0);
    });
    return () => cancelAnimationFrame(id);
  }, [shown, window]);

  const source = shown?.grey ?? shown?.image;
  return (
    <canvas
      ref={canvas}
      role="img"
      aria-label={label}
      data-testid="viewer-canvas"
      width={source?.width}
      height={source?.height}
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
