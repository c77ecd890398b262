/**
 * The raw stored samples of one frame (DecodedImage.raw), cut into the planes the
 * JPEG 2000 encoder takes and glued back together, byte for byte.
 *
 * 8-bit samples go in one codestream (RGB gets the reversible colour transform);
 * 16-bit samples go one codestream per component because the encoder build only
 * reads the first component of >8-bit images. 32-bit samples (rare: RT dose,
 * some secondary captures; the decoder hands them over as little-endian bytes)
 * go as two unsigned 16-bit codestreams per component, low half then high half.
 * Signed 8-bit samples are archived as their bytes (unsigned): lossless, and it
 * sidesteps a sign the encoder ignores.
 *
 * Must never: change a sample value, or guess a layout it was not told.
 */
import type { DecodedImage } from '../../decode/types';
import type { SamplePlane } from './jpeg2000';

export type RawSamples = NonNullable<DecodedImage['raw']>;

/** What the package records about the raw samples (no values). */
export interface RawLayout {
  width: number;
  height: number;
  samplesPerPixel: number;
  /** 1-bit samples (segmentations) arrive one byte each and are archived like 8-bit ones */
  bitsAllocated: 1 | 8 | 16 | 32;
  signed: boolean;
}

/** Bits each sample takes in `RawSamples.data`. */
export function storageBits(layout: RawLayout): 8 | 16 | 32 {
  return layout.bitsAllocated === 1 ? 8 : layout.bitsAllocated;
}

export function layoutOf(raw: RawSamples): RawLayout {
  const { width, height, samplesPerPixel, signed } = raw;
  const bits = raw.bitsAllocated;
  if (bits !== 1 && bits !== 8 && bits !== 16 && bits !== 32) throw new Error(`cannot archive ${bits}-bit samples`);
  const holds =
    raw.data instanceof Uint8Array ? 8 : raw.data instanceof Uint16Array || raw.data instanceof Int16Array ? 16 : 0;
  // 32-bit samples arrive as their little-endian bytes.
  if (!(bits === holds || ((bits === 32 || bits === 1) && holds === 8)))
    throw new Error(`raw samples say ${raw.bitsAllocated} bits but hold ${raw.data.constructor.name}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new Error(`raw samples have a bad size ${width}x${height}`);
  if (!Number.isInteger(samplesPerPixel) || samplesPerPixel < 1 || samplesPerPixel > 4)
    throw new Error(`cannot archive ${samplesPerPixel} samples per pixel`);
  const values = raw.data.length / (bits === 32 ? 4 : 1);
  if (values !== width * height * samplesPerPixel)
    throw new Error(`raw samples hold ${values} values, expected ${width * height * samplesPerPixel}`);
  if (bits === 16 && raw.data instanceof Int16Array !== signed)
    throw new Error('raw samples: signedness does not match the array type');
  return { width, height, samplesPerPixel, bitsAllocated: bits, signed };
}

export function rawByteLength(layout: RawLayout): number {
  return layout.width * layout.height * layout.samplesPerPixel * (storageBits(layout) / 8);
}

/** Little-endian bytes of the samples (typed arrays are little-endian on every platform we run on). */
function bytesOf(data: RawSamples['data']): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function planesOf(raw: RawSamples, layout: RawLayout): SamplePlane[] {
  const { width, height, samplesPerPixel: spp } = layout;
  if (storageBits(layout) === 8) {
    return [{ width, height, components: spp, bitsPerSample: 8, signed: false, bytes: bytesOf(raw.data).slice() }];
  }
  const planes: SamplePlane[] = [];
  if (layout.bitsAllocated === 32) {
    const words = new DataView(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
    for (let c = 0; c < spp; c++) {
      const low = new Uint16Array(width * height);
      const high = new Uint16Array(width * height);
      for (let i = 0; i < low.length; i++) {
        low[i] = words.getUint16(4 * (i * spp + c), true);
        high[i] = words.getUint16(4 * (i * spp + c) + 2, true);
      }
      for (const half of [low, high])
        planes.push({ width, height, components: 1, bitsPerSample: 16, signed: false, bytes: bytesOf(half) });
    }
    return planes;
  }
  for (let c = 0; c < spp; c++) {
    const plane = layout.signed ? new Int16Array(width * height) : new Uint16Array(width * height);
    for (let i = 0; i < plane.length; i++) plane[i] = raw.data[i * spp + c];
    planes.push({ width, height, components: 1, bitsPerSample: 16, signed: layout.signed, bytes: bytesOf(plane) });
  }
  return planes;
}

/** Geometry of the planes `planesOf` makes, so the decoder can check what it gets. */
export function planeShapes(layout: RawLayout): Omit<SamplePlane, 'bytes'>[] {
  const { width, height, samplesPerPixel: spp } = layout;
  if (storageBits(layout) === 8) return [{ width, height, components: spp, bitsPerSample: 8, signed: false }];
  if (layout.bitsAllocated === 32)
    return Array.from({ length: 2 * spp }, () => ({
      width,
      height,
      components: 1,
      bitsPerSample: 16 as const,
      signed: false,
    }));
  return Array.from({ length: spp }, () => ({
    width,
    height,
    components: 1,
    bitsPerSample: 16 as const,
    signed: layout.signed,
  }));
}

export function rawFromPlanes(layout: RawLayout, planes: Uint8Array[]): RawSamples {
  const { width, height, samplesPerPixel: spp, bitsAllocated, signed } = layout;
  const n = width * height;
  let data: RawSamples['data'];
  if (storageBits(layout) === 8) data = planes[0].slice();
  else if (bitsAllocated === 32) {
    data = new Uint8Array(n * spp * 4);
    const words = new DataView(data.buffer);
    for (let c = 0; c < spp; c++) {
      const low = new DataView(planes[2 * c].buffer, planes[2 * c].byteOffset);
      const high = new DataView(planes[2 * c + 1].buffer, planes[2 * c + 1].byteOffset);
      for (let i = 0; i < n; i++) {
        words.setUint16(4 * (i * spp + c), low.getUint16(2 * i, true), true);
        words.setUint16(4 * (i * spp + c) + 2, high.getUint16(2 * i, true), true);
      }
    }
  } else {
    data = signed ? new Int16Array(n * spp) : new Uint16Array(n * spp);
    for (let c = 0; c < spp; c++) {
      const bytes = planes[c].slice();
      const plane = signed ? new Int16Array(bytes.buffer) : new Uint16Array(bytes.buffer);
      for (let i = 0; i < n; i++) data[i * spp + c] = plane[i];
    }
  }
  return { width, height, samplesPerPixel: spp, bitsAllocated, signed, data };
}

export function rawBytes(raw: RawSamples): Uint8Array {
  return bytesOf(raw.data);
}
