/**
 * Issue 19: a seeded mutation fuzz of the PNG, JPEG and DICOM decoders. Every case
 * must decode or be refused with a DecodeError whose message a clinician can read
 * (no JavaScript internals). A failure names its seed and mutation, so it replays.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seededRandom';
import { mutate, unreadable } from '../../testing/fuzz';
import { imagePixelModule, syntheticDicom } from '../../testing/syntheticDicom';
import { DecodeError, openImageFrames } from './index';

const SAMPLES = resolve(process.cwd(), '../shared/dicom-samples');
/** Small samples with distinct paths through the decoder: plain, RLE, JPEG baseline, JPEG 2000. */
const SAMPLE_FILES = ['CT_small.dcm', 'MR_small_RLE.dcm', 'JPGExtended.dcm', 'MR_small_jp2klossless.dcm'];

function seeds(): Record<string, Uint8Array> {
  const pixels = (n: number) => new Uint8Array(n).map((_, i) => (i * 37) % 251);
  const rgba = pixels(16 * 12 * 4);
  const out: Record<string, Uint8Array> = {
    'rgb.png': encodePng({ width: 16, height: 12, data: pixels(16 * 12 * 3), channels: 3, depth: 8 }),
    'grey16.png': encodePng({ width: 9, height: 7, data: new Uint16Array(63).fill(4000), channels: 1, depth: 16 }),
    'rgb.jpg': new Uint8Array(jpeg.encode({ width: 16, height: 12, data: rgba }, 90).data),
    'synthetic.dcm': syntheticDicom(
      imagePixelModule({
        rows: 8,
        columns: 6,
        photometric: 'MONOCHROME2',
        bitsAllocated: 16,
        bitsStored: 12,
        signed: true,
        pixelData: new Uint8Array(new Int16Array(48).map((_, i) => i * 50 - 1000).buffer),
      }),
    ),
  };
  for (const name of SAMPLE_FILES)
    if (existsSync(resolve(SAMPLES, name))) out[name] = new Uint8Array(readFileSync(resolve(SAMPLES, name)));
  return out;
}

/** Decodes every frame of `bytes` (or as many as a file cut short still has); throws what the decoder throws. */
async function decodeAll(bytes: Uint8Array): Promise<void> {
  const frames = await openImageFrames(bytes, 'fuzzed');
  for (let k = 0; k < Math.min(frames.frames, 2); k++) await frames.decode(k);
}

describe('mutation fuzz of the decoders', () => {
  const all = seeds();
  it.skipIf(!existsSync(SAMPLES))('has the DICOM samples of ../shared/dicom-samples to fuzz', () => {
    expect(Object.keys(all)).toHaveLength(4 + SAMPLE_FILES.length);
  });

  it.each(Object.entries(all))('%s: every mutation decodes or is refused in words', async (name, seed) => {
    await decodeAll(seed); // the seed itself decodes
    const cases = name.endsWith('.dcm') ? 60 : 150;
    const rng = new SeededRandom(0x19 + name.length * 7919 + seed.length);
    const bad: string[] = [];
    let refused = 0;
    for (let k = 0; k < cases; k++) {
      const { bytes, how } = mutate(seed, rng);
      try {
        await decodeAll(bytes);
      } catch (err) {
        refused++;
        if (!(err instanceof DecodeError)) bad.push(`${how}: threw ${String(err)}`);
        else {
          const why = unreadable(err.message);
          if (why) bad.push(`${how}: message ${why}: ${err.message}`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(refused).toBeGreaterThan(0);
  });
});
