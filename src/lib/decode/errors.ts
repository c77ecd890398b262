/**
 * Decode errors a clinician can read. Every failure to load a file ends up as a
 * DecodeError with a short, plain message ("not a DICOM file", "no pixel data",
 * "truncated file", "unsupported compression (JPEG-LS)"); the batch goes on.
 * JavaScript's own words ("Cannot read properties of undefined") never reach the
 * message: a library's exception goes into `cause` (see decode/index.ts).
 */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly fileName?: string,
    /** the technical reason (a library's exception), kept out of the message */
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DecodeError';
  }
}

/** A grey-level choice (DecodeOptions.voi) other than the default asked of an image without windows. */
export const noWindowsToChoose = () =>
  new DecodeError('this image has no windows to choose from (grey DICOM images only)');

/** A frame the file does not have (frames are numbered from 0). */
export const frameOutOfRange = (frame: number, frames: number, fileName?: string) =>
  new DecodeError(
    `frame ${frame} does not exist (this file has ${frames} frame${frames === 1 ? '' : 's'}, numbered from 0)`,
    fileName,
  );
