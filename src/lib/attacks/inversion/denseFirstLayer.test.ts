import { describe, expect, it } from 'vitest';
import { denseFirstLayerLeak } from './denseFirstLayer';

function gradientImage(size: number) {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 5) * 11) & 0xff;
  return { width: size, height: size, data };
}

describe('denseFirstLayerLeak', () => {
  it('gives a single image back byte for byte from its unprotected update', () => {
    const image = gradientImage(40);
    const leak = denseFirstLayerLeak(image, 2);
    expect(leak.maxPixelError).toBeLessThan(1e-6);
    expect(Array.from(leak.image.data)).toEqual(Array.from(image.data));
  });

  it('does not depend on the image being recognisable: another image comes back as itself', () => {
    const a = gradientImage(24);
    const b = { ...a, data: a.data.map((v) => 255 - v) };
    expect(Array.from(denseFirstLayerLeak(b, 0, 7).image.data)).toEqual(Array.from(b.data));
    expect(Array.from(denseFirstLayerLeak(b, 0, 7).image.data)).not.toEqual(Array.from(a.data));
  });
});
