/**
 * `cli info FILE [--frame N] [--window N]`: one JSON object describing an image or DICOM file:
 * name, format, size, dimensions, modality, transfer syntax, frames, bits,
 * photometric interpretation, display window (and the grey-level choices --window
 * picks from, labelled with the file's own window/LUT explanations such as "BRAIN":
 * free text, but not an identifying attribute of PS3.15 E.1-1), and the NAMES of
 * identifying attributes present. It must never print an identifying attribute's
 * value or a pixel.
 */
import { basename } from 'node:path';
import { type ParsedArgs, UsageError, type CommandOptions, options } from '../args';
import { DecodeError, decodeImageFile } from '../../../lib/decode';
import { decodeOptionsFrom, readInput, DECODE_OPTIONS } from '../io';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = options(DECODE_OPTIONS);

export async function run(args: ParsedArgs): Promise<void> {
  const [path] = args.positionals;
  if (!path) throw new UsageError('info needs a FILE');
  const bytes = await readInput(path);
  const decoded = await decodeImageFile(bytes, basename(path), decodeOptionsFrom(args)).catch((err: unknown) => {
    // Name the file in the one-line error: the user may be running info over a folder.
    throw err instanceof DecodeError ? new DecodeError(`${basename(path)}: ${err.message}`, basename(path)) : err;
  });
  const dicom = decoded.dicom;
  const info = {
    file: basename(path),
    format: decoded.format,
    bytes: bytes.length,
    width: decoded.image.width,
    height: decoded.image.height,
    frames: decoded.frames,
    frame: decoded.frame,
    ...(dicom
      ? {
          modality: dicom.modality ?? null,
          transferSyntax: { uid: dicom.transferSyntaxUid, name: dicom.transferSyntaxName },
          bits: { allocated: dicom.bitsAllocated, stored: dicom.bitsStored, signed: dicom.pixelRepresentation === 1 },
          samplesPerPixel: dicom.samplesPerPixel,
          photometric: dicom.photometricInterpretation,
          window: dicom.window ?? null,
          windowChoices: dicom.voiChoices ?? null,
          windowChosen: dicom.voi ?? null,
          identifyingAttributes: dicom.identifyingAttributes,
          hiddenIdentifierRisks: dicom.hiddenIdentifierRisks ?? null,
        }
      : { bits: { allocated: 8, stored: 8, signed: false }, samplesPerPixel: 3, photometric: 'RGB' }),
  };
  console.log(JSON.stringify(info, null, 2));
}
