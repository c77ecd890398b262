/**
 * The Image Pixel module attributes the decoder needs, read once and checked, so
 * later stages can trust them. Refuses what cannot be shown correctly instead of
 * showing something wrong. Never reads identifying attributes.
 */
import type { DataSet } from 'dicom-parser';
import { DecodeError } from '../errors';
import { readModalityLut, readVoiLut, type LookupTable } from './lookupTables';

export interface ImageAttributes {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement */
  pixelRepresentation: number;
  photometricInterpretation: string;
  /** 0 interleaved (R1G1B1R2...), 1 planar (RRR...GGG...BBB) */
  planarConfiguration: number;
  frames: number;
  /** NumberOfFrames is present but not a number (e.g. "1A"); the decoder counts frames from the pixel data instead */
  framesMalformed: boolean;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** first WindowCenter/WindowWidth pair in the file, if usable */
  window?: { center: number; width: number };
  /** Modality LUT Sequence (first item): replaces rescale slope/intercept */
  modalityLut?: LookupTable;
  /** VOI LUT Sequence (first item): used when the file gives no window */
  voiLut?: LookupTable;
  modality?: string;
}

const SUPPORTED_PHOTOMETRIC = new Set(['MONOCHROME1', 'MONOCHROME2', 'PALETTE COLOR', 'RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_RCT', 'YBR_ICT', 'YBR_PARTIAL_420']);

export function readImageAttributes(dataSet: DataSet): ImageAttributes {
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  if (!rows || !columns) throw new DecodeError('no image size (Rows/Columns missing)');
  const samplesPerPixel = dataSet.uint16('x00280002') ?? 1;
  const bitsAllocated = dataSet.uint16('x00280100') ?? 0;
  if (![1, 8, 16, 32].includes(bitsAllocated)) throw new DecodeError(`unsupported bits allocated (${bitsAllocated})`);
  let bitsStored = dataSet.uint16('x00280101') ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) bitsStored = bitsAllocated;
  const photometricInterpretation = (dataSet.string('x00280004') ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')).trim().toUpperCase();
  if (!SUPPORTED_PHOTOMETRIC.has(photometricInterpretation)) throw new DecodeError(`unsupported colour model (${photometricInterpretation})`);
  const monochrome = photometricInterpretation.startsWith('MONOCHROME') || photometricInterpretation === 'PALETTE COLOR';
  if ((monochrome && samplesPerPixel !== 1) || (!monochrome && samplesPerPixel !== 3)) {
    throw new DecodeError(`inconsistent image attributes (${photometricInterpretation} with ${samplesPerPixel} samples per pixel)`);
  }
  if (bitsAllocated === 1 && samplesPerPixel !== 1) throw new DecodeError('unsupported bits allocated (1-bit colour)');
  const framesText = dataSet.string('x00280008')?.trim();
  const framesMalformed = !!framesText && !/^\d+$/.test(framesText);
  const frames = framesText && !framesMalformed ? Math.max(1, parseInt(framesText, 10)) : 1;
  const slope = dataSet.floatString('x00281053');
  const intercept = dataSet.floatString('x00281052');
  const center = dataSet.floatString('x00281050', 0);
  const width = dataSet.floatString('x00281051', 0);
  const pixelRepresentation = dataSet.uint16('x00280103') === 1 ? 1 : 0;
  const rescaleIntercept = intercept !== undefined && Number.isFinite(intercept) ? intercept : 0;
  const grey = photometricInterpretation.startsWith('MONOCHROME');
  const modalityLut = grey ? readModalityLut(dataSet, pixelRepresentation) : undefined;
  // the VOI LUT's input is the modality value: negative only from signed samples or a negative rescale (LUT entries are unsigned)
  const voiLut = grey ? readVoiLut(dataSet, !modalityLut && (pixelRepresentation === 1 || rescaleIntercept < 0)) : undefined;
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit: dataSet.uint16('x00280102') ?? bitsStored - 1,
    pixelRepresentation,
    photometricInterpretation,
    planarConfiguration: samplesPerPixel > 1 && dataSet.uint16('x00280006') === 1 ? 1 : 0,
    frames,
    framesMalformed,
    rescaleSlope: slope !== undefined && Number.isFinite(slope) && slope !== 0 ? slope : 1,
    rescaleIntercept,
    window: center !== undefined && width !== undefined && Number.isFinite(center) && Number.isFinite(width) && width >= 1 ? { center, width } : undefined,
    modality: dataSet.string('x00080060')?.trim() || undefined,
    modalityLut,
    voiLut,
  };
}

/** Bits one uncompressed frame occupies (YBR_FULL_422 stores two samples per pixel, paired). */
export function nativeFrameBits(a: ImageAttributes): number {
  if (a.photometricInterpretation === 'YBR_FULL_422') return a.rows * Math.ceil(a.columns / 2) * 4 * a.bitsAllocated;
  return a.rows * a.columns * a.samplesPerPixel * a.bitsAllocated;
}
