import type { RgbImage } from '../image/rgb';

export type SourceFormat = 'dicom' | 'png' | 'jpeg';

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
  window?: { center: number; width: number; source: 'file' | 'computed' };
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
   */
  raw?: { width: number; height: number; samplesPerPixel: number; bitsAllocated: number; signed: boolean; data: Uint8Array | Uint16Array | Int16Array };
}

export interface DecodeOptions {
  frame?: number;
}
