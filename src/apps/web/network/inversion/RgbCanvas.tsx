/** One small RGB image on a canvas, drawn at its own size and scaled by CSS (no shared zoom). */
import { useEffect, useRef } from 'react';
import type { RgbImage } from '../../../../lib/image/rgb';
import { toImageData } from '../../imageData';

export function RgbCanvas({ image, label, testId }: { image: RgbImage; label: string; testId?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    c.width = image.width;
    c.height = image.height;
    c.getContext('2d')!.putImageData(toImageData(image), 0, 0);
  }, [image]);
  return <canvas ref={canvas} role="img" aria-label={label} data-testid={testId} className="network-image" />;
}
