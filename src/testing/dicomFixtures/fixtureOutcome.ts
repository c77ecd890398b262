/**
 * What decoding one sample file gives, in the shape pinned in fixtures.json:
 * either the decoded size, frame count and SHA-256 of the 8-bit RGB display
 * pixels (and of the raw stored samples), or the refusal message. Shared by the
 * pinning script and the fixture-matrix test so both describe files the same way.
 * Hashes only: never pixel values or attribute values.
 */
import { sha256Hex } from '../../lib/bytes/bytes';
import { decodeImageFile } from '../../lib/decode/index';
import type { HiddenIdentifierRisks } from '../../lib/decode/types';

export type FixtureOutcome =
  | {
      outcome: 'decoded';
      width: number;
      height: number;
      frames: number;
      transferSyntaxUid?: string;
      photometric?: string;
      /** SHA-256 of frame 0's display pixels (RGB, 8-bit, row-major) */
      rgbSha256: string;
      /** SHA-256 of frame 0's raw stored samples (typed array bytes, little endian) */
      rawSha256: string;
      /** for multi-frame files: SHA-256 of the last frame's display pixels */
      lastFrameRgbSha256?: string;
      identifyingAttributes?: string[];
      hiddenIdentifierRisks?: HiddenIdentifierRisks;
    }
  | { outcome: 'refused'; message: string };

export async function describeFixture(bytes: Uint8Array, name: string): Promise<FixtureOutcome> {
  let first;
  try {
    first = await decodeImageFile(bytes, name, { frame: 0 });
  } catch (err) {
    return { outcome: 'refused', message: err instanceof Error ? err.message : String(err) };
  }
  const raw = first.raw!;
  const result: FixtureOutcome = {
    outcome: 'decoded',
    width: first.image.width,
    height: first.image.height,
    frames: first.frames,
    transferSyntaxUid: first.dicom?.transferSyntaxUid,
    photometric: first.dicom?.photometricInterpretation,
    rgbSha256: await sha256Hex(first.image.data),
    rawSha256: await sha256Hex(new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength)),
    identifyingAttributes: first.dicom?.identifyingAttributes,
    hiddenIdentifierRisks: first.dicom?.hiddenIdentifierRisks,
  };
  if (first.frames > 1) {
    const last = await decodeImageFile(bytes, name, { frame: first.frames - 1 });
    result.lastFrameRgbSha256 = await sha256Hex(last.image.data);
  }
  return result;
}
