/**
 * The Image Pixel module attributes the decoder needs, read once and checked, so
 * later stages can trust them. Refuses what cannot be shown correctly instead of
 * showing something wrong. Never reads identifying attributes.
 */
import type { DataSet } from 'dicom-parser';
import { DecodeError, noWindowsToChoose } from '../errors';
import { checkImageSize } from '../limits';
import { readModalityLut, readVoiLut, voiLutExplanations, type LookupTable } from './lookupTables';

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
  /** the WindowCenter/WindowWidth pair chosen (voiChoices), if a window was */
  window?: { center: number; width: number };
  /** Modality LUT Sequence (first item; the standard allows one): replaces rescale slope/intercept */
  modalityLut?: LookupTable;
  /** the VOI LUT Sequence item chosen (voiChoices), if a LUT was */
  voiLut?: LookupTable;
  /**
   * Grey images only: the ways the file offers to map values to grey, as labels, in
   * this order: each usable window pair, each VOI LUT, then the full range of the
   * frame (always there). Index 0 is the default: the file's first window, else its
   * first VOI LUT, else the full range.
   */
  voiChoices?: string[];
  /** the index into voiChoices in use */
  voi?: number;
  /** grey images: the file's usable windows, in voiChoices order (a viewer's presets) */
  fileWindows?: Array<{ center: number; width: number; label: string }>;
  modality?: string;
}

const SUPPORTED_PHOTOMETRIC = new Set([
  'MONOCHROME1',
  'MONOCHROME2',
  'PALETTE COLOR',
  'RGB',
  'YBR_FULL',
  'YBR_FULL_422',
  'YBR_RCT',
  'YBR_ICT',
  'YBR_PARTIAL_420',
]);

/** `voi` picks one of the file's windows / VOI LUTs / the full range (ImageAttributes.voiChoices); 0 by default. */
export function readImageAttributes(dataSet: DataSet, voi = 0): ImageAttributes {
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  if (!rows || !columns) throw new DecodeError('no image size (Rows/Columns missing)');
  checkImageSize(columns, rows);
  const samplesPerPixel = dataSet.uint16('x00280002') ?? 1;
  const bitsAllocated = dataSet.uint16('x00280100') ?? 0;
  if (![1, 8, 16, 32].includes(bitsAllocated)) throw new DecodeError(`unsupported bits allocated (${bitsAllocated})`);
  let bitsStored = dataSet.uint16('x00280101') ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) bitsStored = bitsAllocated;
  const photometricInterpretation = (dataSet.string('x00280004') ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2'))
    .trim()
    .toUpperCase();
  if (!SUPPORTED_PHOTOMETRIC.has(photometricInterpretation))
    throw new DecodeError(`unsupported colour model (${photometricInterpretation})`);
  const monochrome =
    photometricInterpretation.startsWith('MONOCHROME') || photometricInterpretation === 'PALETTE COLOR';
  if ((monochrome && samplesPerPixel !== 1) || (!monochrome && samplesPerPixel !== 3)) {
    throw new DecodeError(
      `inconsistent image attributes (${photometricInterpretation} with ${samplesPerPixel} samples per pixel)`,
    );
  }
  if (bitsAllocated === 1 && samplesPerPixel !== 1) throw new DecodeError('unsupported bits allocated (1-bit colour)');
  const framesText = dataSet.string('x00280008')?.trim();
  const framesMalformed = !!framesText && !/^\d+$/.test(framesText);
  const frames = framesText && !framesMalformed ? Math.max(1, parseInt(framesText, 10)) : 1;
  const slope = dataSet.floatString('x00281053');
  const intercept = dataSet.floatString('x00281052');
  const pixelRepresentation = dataSet.uint16('x00280103') === 1 ? 1 : 0;
  const rescaleIntercept = intercept !== undefined && Number.isFinite(intercept) ? intercept : 0;
  const grey = photometricInterpretation.startsWith('MONOCHROME');
  const modalityLut = grey ? readModalityLut(dataSet, pixelRepresentation) : undefined;
  if (!grey && voi !== 0) throw noWindowsToChoose();
  const choice = grey
    ? chooseVoi(dataSet, voi, !modalityLut && (pixelRepresentation === 1 || rescaleIntercept < 0))
    : undefined;
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
    window: choice?.window,
    modality: dataSet.string('x00080060')?.trim() || undefined,
    modalityLut,
    voiLut: choice?.voiLut,
    ...(choice ? { voiChoices: choice.labels, voi, fileWindows: choice.windows } : {}),
  };
}

const fmt = (v: number) => String(Math.round(v * 100) / 100);

/**
 * The file's usable windows (multi-valued Window Center/Width, with their
 * explanations; a pair with width < 1 is skipped, so the default is the first
 * usable window), its VOI LUTs and the full range, as labels; and the one at
 * `voi`, read. Only the chosen LUT is read, so a damaged LUT the user does not pick
 * cannot fail the file. The labels carry the file's explanation text ("BRAIN"):
 * shown to the user, never put into an error message (those end up in logs).
 * `signedLutInput`: the VOI LUT's input is the modality value, negative only from
 * signed samples or a negative rescale (LUT entries are unsigned).
 */
function chooseVoi(
  dataSet: DataSet,
  voi: number,
  signedLutInput: boolean,
): {
  labels: string[];
  windows: Array<{ center: number; width: number; label: string }>;
  window?: { center: number; width: number };
  voiLut?: LookupTable;
} {
  const pairs = Math.min(dataSet.numStringValues('x00281050') ?? 0, dataSet.numStringValues('x00281051') ?? 0);
  // read whole and split: dataSet.string(tag, i) throws when the file gives fewer explanations than windows
  const explanations = dataSet.string('x00281055')?.split('\\');
  const windows: Array<{ center: number; width: number; label: string }> = [];
  for (let i = 0; i < pairs; i++) {
    const center = dataSet.floatString('x00281050', i);
    const width = dataSet.floatString('x00281051', i);
    if (center === undefined || width === undefined || !Number.isFinite(center) || !Number.isFinite(width) || width < 1)
      continue;
    const explanation = explanations?.[i]?.trim();
    windows.push({
      center,
      width,
      label: `${explanation ? `${explanation}: ` : ''}window C ${fmt(center)} / W ${fmt(width)}`,
    });
  }
  const luts = voiLutExplanations(dataSet);
  const labels = [
    ...windows.map((w) => w.label),
    ...luts.map(
      (explanation, k) =>
        `${explanation ? `${explanation}: ` : ''}VOI lookup table${luts.length > 1 ? ` ${k + 1}` : ''}`,
    ),
    'full range of the frame',
  ];
  if (!Number.isInteger(voi) || voi < 0 || voi >= labels.length) {
    // the count only: no file text in a message
    throw new DecodeError(`display choice ${voi} does not exist (this file offers ${labels.length}, numbered from 0)`);
  }
  if (voi < windows.length)
    return { labels, windows, window: { center: windows[voi].center, width: windows[voi].width } };
  if (voi < windows.length + luts.length)
    return { labels, windows, voiLut: readVoiLut(dataSet, signedLutInput, voi - windows.length) };
  return { labels, windows };
}

/** Bits one uncompressed frame occupies (YBR_FULL_422 stores two samples per pixel, paired). */
export function nativeFrameBits(a: ImageAttributes): number {
  if (a.photometricInterpretation === 'YBR_FULL_422') return a.rows * Math.ceil(a.columns / 2) * 4 * a.bitsAllocated;
  return a.rows * a.columns * a.samplesPerPixel * a.bitsAllocated;
}
