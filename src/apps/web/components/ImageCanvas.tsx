/** One RGB image on a canvas, pixelated, moved by the shared zoom/pan transform. */
import { useEffect, useRef } from 'react';
import type { RgbImage } from '../../../lib/image/rgb';
import { toImageData } from '../imageData';
import { useSettings } from '../state/settings';

interface Props {
  image: RgbImage;
  label: string;
  className?: string;
  testId?: string;
}

export function ImageCanvas({ image, label, className, testId }: Props) {
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
      className={className ? `image-canvas ${className}` : 'image-canvas'}
      style={{ transform: `translate(${view.x * 100}%, ${view.y * 100}%) scale(${view.zoom})` }}
    />
  );
}
