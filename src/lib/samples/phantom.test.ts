import { describe, expect, it } from 'vitest';
import { brainPhantomGray } from './phantom';
import { SAMPLES, samplePng } from './gallery';
import { decodeImageFile } from '../decode';

function mean(values: Uint8Array, pick: (i: number) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++)
    if (pick(i)) {
      sum += values[i];
      n++;
    }
  return sum / n;
}

describe('brain phantom', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = brainPhantomGray({ seed: 5 });
    const b = brainPhantomGray({ seed: 5 });
    const c = brainPhantomGray({ seed: 6 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.length).toBe(256 * 256);
  });

  it('has a dark background, a head and brighter white than grey matter (T1)', () => {
    const img = brainPhantomGray({ seed: 1 });
    const size = 256;
    const corner = mean(img, (i) => i % size < 10 && Math.floor(i / size) < 10);
    const centreRow = 128 + 40; // below the ventricles, inside white matter
    const white = img[centreRow * size + 128 - 40];
    expect(corner).toBeLessThan(15);
    expect(white).toBeGreaterThan(140);
  });

  it('draws the lesion only when asked', () => {
    const plain = brainPhantomGray({ seed: 9 });
    const withLesion = brainPhantomGray({ seed: 9, lesion: 0.15 });
    let brighter = 0;
    for (let i = 0; i < plain.length; i++) if (withLesion[i] > plain[i] + 40) brighter++;
    expect(brighter).toBeGreaterThan(200);
  });

  it('offers 4-6 samples that decode like ordinary PNG files', async () => {
    expect(SAMPLES.length).toBeGreaterThanOrEqual(4);
    expect(SAMPLES.length).toBeLessThanOrEqual(6);
    const decoded = await decodeImageFile(samplePng(SAMPLES[1]), 'sample.png');
    expect(decoded.format).toBe('png');
    expect(decoded.image.width).toBe(256);
    // grayscale replicated to RGB
    expect(decoded.image.data[3 * 300]).toBe(decoded.image.data[3 * 300 + 1]);
  });
});
