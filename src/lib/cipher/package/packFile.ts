/**
 * Packs a loaded file as the user chose to see it (frame, grey levels): every
 * frame of a multi-frame DICOM by default, decoded one at a time with the same
 * options from one parse of the file, the chosen one marked as the frame to show
 * on opening; or the chosen frame alone. Shared by the pipeline worker and `cli pack`.
 */
import { openImageFrames } from '../../decode';
import type { DecodeOptions } from '../../decode/types';
import type { CipherKey } from '../../keys/key';
import { packFramesDetailed, type FrameSource, type PackedImage } from './aesGcmPackage';

export interface PackedFile extends PackedImage {
  format: string;
  /** the frame shown when the package is opened (the file's numbering, 0-based) */
  frame: number;
  /** frames the file has (`frames` of PackedImage: how many the package holds) */
  fileFrames: number;
}

export async function packFile(
  bytes: Uint8Array,
  name: string,
  options: DecodeOptions,
  key: CipherKey,
  which: 'all-frames' | 'chosen-frame' = 'all-frames',
): Promise<PackedFile> {
  const file = await openImageFrames(bytes, name, options);
  const chosen = await file.decode(options.frame ?? 0);
  const source: FrameSource =
    which === 'all-frames' && file.frames > 1
      ? {
          count: file.frames,
          shown: chosen.frame,
          frame: (k) => (k === chosen.frame ? Promise.resolve(chosen) : file.decode(k)),
        }
      : { count: 1, shown: 0, frame: async () => chosen };
  const packed = await packFramesDetailed(source, key);
  return { ...packed, format: chosen.format, frame: chosen.frame, fileFrames: chosen.frames };
}
