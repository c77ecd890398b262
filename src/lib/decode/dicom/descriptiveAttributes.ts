/**
 * The few attributes a viewer's metadata panel shows besides the Image Pixel module:
 * how the image was acquired (equipment, body part, timing, spacing) and how fast
 * its frames were meant to play. An allow-list, read value by value, each a number
 * or a short coded string; none is in the confidentiality profile (identifying.ts;
 * a test checks), so a value read here can never be one the profile removes.
 *
 * Must never: read a tag outside DESCRIPTIVE_TAGS, or keep free text longer than
 * MAX_TEXT (a vendor string, not a note).
 */
import type { DataSet } from 'dicom-parser';

export interface DescriptiveAttributes {
  manufacturer?: string;
  manufacturerModelName?: string;
  bodyPartExamined?: string;
  /** mm */
  sliceThickness?: number;
  /** mm, row then column spacing */
  pixelSpacing?: [number, number];
  /** kV (CT, radiography) */
  kvp?: number;
  /** tesla (MR) */
  magneticFieldStrength?: number;
  /** ms (MR) */
  repetitionTime?: number;
  /** ms (MR) */
  echoTime?: number;
  /** what the rescale gives: "HU", "US", "OD"… */
  rescaleType?: string;
  /** ms between frames of a multi-frame image */
  frameTime?: number;
  /** frames per second the file recommends for cine */
  recommendedFrameRate?: number;
}

/** dicom-parser tag key -> keyword: every tag this module may read. */
export const DESCRIPTIVE_TAGS = {
  manufacturer: 'x00080070',
  manufacturerModelName: 'x00081090',
  bodyPartExamined: 'x00180015',
  sliceThickness: 'x00180050',
  pixelSpacing: 'x00280030',
  kvp: 'x00180060',
  magneticFieldStrength: 'x00180087',
  repetitionTime: 'x00180080',
  echoTime: 'x00180081',
  rescaleType: 'x00281054',
  frameTime: 'x00181063',
  recommendedFrameRate: 'x00082144',
} as const satisfies Record<keyof DescriptiveAttributes, string>;

const MAX_TEXT = 64;

/** The allow-listed attributes present with a usable value; damaged values are skipped, never fatal. */
export function readDescriptiveAttributes(dataSet: DataSet): DescriptiveAttributes {
  const text = (tag: string) => {
    try {
      const v = dataSet.string(tag)?.trim();
      return v && v.length <= MAX_TEXT ? v : undefined;
    } catch {
      return undefined;
    }
  };
  const number = (tag: string, index = 0) => {
    try {
      const v = dataSet.floatString(tag, index);
      return v !== undefined && Number.isFinite(v) ? v : undefined;
    } catch {
      return undefined;
    }
  };
  const t = DESCRIPTIVE_TAGS;
  const rowSpacing = number(t.pixelSpacing, 0);
  const columnSpacing = number(t.pixelSpacing, 1);
  const found: DescriptiveAttributes = {
    manufacturer: text(t.manufacturer),
    manufacturerModelName: text(t.manufacturerModelName),
    bodyPartExamined: text(t.bodyPartExamined),
    sliceThickness: number(t.sliceThickness),
    pixelSpacing: rowSpacing !== undefined && columnSpacing !== undefined ? [rowSpacing, columnSpacing] : undefined,
    kvp: number(t.kvp),
    magneticFieldStrength: number(t.magneticFieldStrength),
    repetitionTime: number(t.repetitionTime),
    echoTime: number(t.echoTime),
    rescaleType: text(t.rescaleType),
    frameTime: number(t.frameTime),
    recommendedFrameRate: number(t.recommendedFrameRate),
  };
  return Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined)) as DescriptiveAttributes;
}
