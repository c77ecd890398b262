/**
 * One RGB image on a canvas, drawn at its own size. In the views it is pixelated
 * and moved by the shared zoom/pan transform; with `zoom={false}` (the network
 * page's small figures) it takes only the caller's class and no transform.
 */
import { useEffect, useRef } from 'react';
import type { RgbImage } from '../../../lib/image/rgb';
import { toImageData } from '../imageData';
import { useSettings } from '../state/settings';

interface Props {
  image: RgbImage;
  label: string;
  className?: string;
  testId?: string;
  /** follow the shared zoom/pan (default); off, the canvas is styled by `className` alone */
  zoom?: boolean;
}

export function ImageCanvas({ image, label, className, testId, zoom = true }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const view = useSettings((s) => s.view);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    c.width = image.width;
    c.height = image.height;
    c.getContext('2d')!.putImageData(toImageData(image), 0, 0);
  }, [image]);

  return (
    <canvas
      ref={canvas}
      role="img"
      aria-label={label}
      data-testid={testId}
      className={zoom ? (className ? `image-canvas ${className}` : 'image-canvas') : className}
      style={zoom ? { transform: `translate(${view.x * 100}%, ${view.y * 100}%) scale(${view.zoom})` } : undefined}
    />
  );
}
