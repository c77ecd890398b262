import type { RgbImage } from '../image/rgb';
import type { DescriptiveAttributes } from './dicom/descriptiveAttributes';
import type { LookupTable } from './dicom/lookupTables';

export type { DescriptiveAttributes } from './dicom/descriptiveAttributes';

export type SourceFormat = 'dicom' | 'png' | 'jpeg';

/** A lookup table the file carried: its length and output bits. */
export interface LutSummary {
  entries: number;
  bits: number;
}

/** What can identify a patient besides the named attributes (all counted, none read; dicom/identifying.ts). */
export interface HiddenIdentifierRisks {
  /** Burned In Annotation (0028,0301) is YES: the pixels themselves show text such as a name */
  burnedInAnnotation: boolean;
  /** overlay planes (60xx,3000) present: graphics or text drawn over the image, not shown by this app */
  overlayPlanes: number;
  /** attributes in private (odd) groups at the top level: vendor data, free to hold anything */
  privateAttributes: number;
}

/** Summary of a DICOM file; identifying attributes are listed by name, values never kept. */
export interface DicomSummary {
  transferSyntaxUid: string;
  transferSyntaxName: string;
  modality?: string;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  photometricInterpretation: string;
  samplesPerPixel: number;
  /** names (keywords) of identifying attributes present in the file, e.g. "PatientName" */
  identifyingAttributes: string[];
  /** burned-in text, overlays, private attributes: counted, never read */
  hiddenIdentifierRisks?: HiddenIdentifierRisks;
  window?: { center: number; width: number; source: 'file' | 'computed' };
  /** grey images: the file's windows, its VOI LUTs and the full range, as labels (the default first) */
  voiChoices?: string[];
  /** the index into voiChoices shown */
  voi?: number;
  /** grey images: the file's usable windows as numbers, labelled as in voiChoices */
  fileWindows?: Array<{ center: number; width: number; label: string }>;
  /** lookup tables from the file that shaped the grey values (Modality LUT; VOI LUT when no window) */
  lookupTables?: { modality?: LutSummary; voi?: LutSummary };
  /** colour model of DecodedImage.raw after decompression (may differ from photometricInterpretation) */
  rawPhotometricInterpretation?: string;
  /** equipment, acquisition and timing attributes from an allow-list outside the confidentiality profile */
  descriptive?: DescriptiveAttributes;
}

/**
 * How `raw` of a grey DICOM image becomes modality values (Hounsfield units for CT), for a
 * viewer that windows the stored samples itself (lib/viewing) with the display pipeline's functions.
 */
export interface ModalityTransform {
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** the file's Modality LUT, which replaces slope and intercept */
  modalityLut?: LookupTable;
}

export interface DecodedImage {
  format: SourceFormat;
  /** display pixels at full resolution, 8-bit RGB (after rescale, window, MONOCHROME1 inversion) */
  image: RgbImage;
  frames: number;
  /** the frame shown (0-based) */
  frame: number;
  dicom?: DicomSummary;
  /**
   * Raw stored samples of the chosen frame for lossless archiving (AES package).
   * For PNG/JPEG this is the decoded RGB image itself.
   * DICOM: the decompressed samples, interleaved (pixel by pixel), bit patterns as
   * stored (not rescaled), except that bits outside Bits Stored / High Bit are
   * cleared (signed samples sign-extended from High Bit), so an overlay in unused
   * high bits never leaves the app; one array element per sample, except:
   * 1-bit data has one byte (0/1) per sample, and 32-bit data travels as
   * little-endian bytes (4 per sample) in a Uint8Array; bitsAllocated says which.
   * Their colour model is dicom.rawPhotometricInterpretation (lossy JPEG/J2K colour
   * arrives as RGB, YBR_FULL_422 expanded to YBR_FULL).
   */
  raw?: {
    width: number;
    height: number;
    samplesPerPixel: number;
    bitsAllocated: number;
    signed: boolean;
    data: Uint8Array | Uint16Array | Int16Array;
  };
  /** grey DICOM images: how `raw` becomes modality values (absent for colour, PNG and JPEG) */
  modalityTransform?: ModalityTransform;
}

export interface DecodeOptions {
  frame?: number;
  /** DICOM grey images: which of DicomSummary.voiChoices maps values to grey (0, the default, when absent) */
  voi?: number;
}
