/**
 * Finds the compressed bytes of one frame in encapsulated Pixel Data: by the Basic
 * Offset Table when there is one, else one fragment per frame, else (JPEG family)
 * by scanning for end-of-image markers. Never guesses a frame boundary silently.
 */
import { dicomParser } from './dicomParserModule';
import type { DataSet, Element } from 'dicom-parser';
import { DecodeError } from '../errors';

// Frame offsets found by scanning for JPEG end-of-image markers, per Pixel Data element: a file whose frames are
// decoded one after another (packing every frame) scans once, not once per frame.
const jpegOffsetTables = new WeakMap<Element, number[]>();

export function encapsulatedFrame(
  dataSet: DataSet,
  pixelData: Element,
  frameIndex: number,
  frames: number,
  jpegFamily: boolean,
): Uint8Array {
  const fragments = pixelData.fragments ?? [];
  if (fragments.length === 0) throw new DecodeError('no pixel data (empty compressed pixel data)');
  let bytes: Uint8Array;
  if (pixelData.basicOffsetTable && pixelData.basicOffsetTable.length > 0) {
    bytes = dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, frameIndex);
  } else if (frames === 1) {
    bytes = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, 0, fragments.length);
  } else if (frames === fragments.length) {
    bytes = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, frameIndex, 1);
  } else if (jpegFamily) {
    let table = jpegOffsetTables.get(pixelData);
    if (!table) {
      table = dicomParser.createJPEGBasicOffsetTable(dataSet, pixelData);
      jpegOffsetTables.set(pixelData, table);
    }
    bytes = dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, frameIndex, table);
  } else {
    throw new DecodeError(
      `damaged DICOM file (cannot find frame ${frameIndex}: ${frames} frames in ${fragments.length} fragments, no offset table)`,
    );
  }
  // dicom-parser may hand back a Node Buffer; keep a plain Uint8Array view of the same bytes.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
