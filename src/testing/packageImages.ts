/**
 * Synthetic decoded images for the package tests (no real data): gradients plus
 * deterministic noise, in each raw layout a decoder can hand us.
 */
import type { DecodedImage, DicomSummary } from '../lib/decode/types';
import type { RawSamples } from '../lib/cipher/package/rawSamples';

/** xorshift32, so the "noise" is the same on every run */
function noise(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

export function syntheticRgb(width: number, height: number, seed = 1): DecodedImage {
  const rand = noise(seed);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      data[i] = (x * 255) / Math.max(1, width - 1);
      data[i + 1] = (y * 255) / Math.max(1, height - 1);
      data[i + 2] = Math.floor(rand() * 256);
    }
  return {
    format: 'png',
    image: { width, height, data },
    frames: 1,
    frame: 0,
    raw: { width, height, samplesPerPixel: 3, bitsAllocated: 8, signed: false, data },
  };
}

/** A linear window as in DICOM PS3.3 C.11.2.1.2.1, used only to make a display image to check against. */
function windowed(v: number, center: number, width: number): number {
  const lo = center - 0.5 - (width - 1) / 2;
  const hi = center - 0.5 + (width - 1) / 2;
  if (v <= lo) return 0;
  if (v > hi) return 255;
  return Math.round(((v - (center - 0.5)) / (width - 1) + 0.5) * 255);
}

export interface SyntheticDicomOptions {
  width: number;
  height: number;
  bits: 8 | 16;
  signed: boolean;
  samplesPerPixel?: number;
  monochrome1?: boolean;
  extra?: Record<string, unknown>;
}

export function syntheticDicom(o: SyntheticDicomOptions, seed = 7): DecodedImage {
  const { width, height, bits, signed } = o;
  const spp = o.samplesPerPixel ?? 1;
  const rand = noise(seed);
  const n = width * height;
  const data: RawSamples['data'] =
    bits === 8 ? new Uint8Array(n * spp) : signed ? new Int16Array(n * spp) : new Uint16Array(n * spp);
  const lo = bits === 8 ? (signed ? -128 : 0) : signed ? -2048 : 0;
  const span = bits === 8 ? 255 : 4095;
  for (let i = 0; i < n * spp; i++) {
    const v = lo + Math.floor(((i % width) / width) * span * 0.8 + rand() * span * 0.2);
    data[i] = bits === 8 && signed ? v & 0xff : v;
  }
  const center = lo + span / 2;
  const widthW = span / 2;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    if (spp === 3) {
      for (let c = 0; c < 3; c++) rgb[3 * i + c] = bits === 16 ? data[3 * i + c] >> 4 : data[3 * i + c];
      continue;
    }
    const raw = bits === 8 && signed && data[i] > 127 ? data[i] - 256 : data[i];
    const g = windowed(raw, center, widthW);
    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = o.monochrome1 ? 255 - g : g;
  }
  const dicom: DicomSummary = {
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    transferSyntaxName: 'Explicit VR Little Endian',
    modality: 'CT',
    rows: height,
    columns: width,
    bitsAllocated: bits,
    bitsStored: bits === 16 ? 12 : 8,
    pixelRepresentation: signed ? 1 : 0,
    photometricInterpretation: spp === 3 ? 'RGB' : o.monochrome1 ? 'MONOCHROME1' : 'MONOCHROME2',
    samplesPerPixel: spp,
    identifyingAttributes: ['PatientName', 'PatientID'],
    window: { center, width: widthW, source: 'computed' },
    ...(o.extra ?? {}),
  };
  return {
    format: 'dicom',
    image: { width, height, data: rgb },
    frames: 1,
    frame: 0,
    dicom,
    raw: { width, height, samplesPerPixel: spp, bitsAllocated: bits, signed, data },
  };
}
