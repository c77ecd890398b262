/**
 * Which server-diagnosis result the panel may show: one kept per scan, shown only for the model and
 * the image it was computed on, so an answer of another model, or of an earlier frame or grey mapping
 * of the scan, never sits under the current one's name. Pure.
 */
import type { RgbImage } from '../../../../lib/image/rgb';
import type { EncryptedDiagnosis } from './encryptedInference';

/** One scan's answer, with the model input it was computed on (by identity: a re-decoded frame is another input). */
export type EncryptedResult = EncryptedDiagnosis & { fileId: string; localMs: number; input: RgbImage };

/** The scan's result where it answers what the page shows now: the same model and the same image. */
export function resultFor(
  results: Record<string, EncryptedResult>,
  file: { id: string; modelInput?: RgbImage } | undefined,
  model: string | undefined,
): EncryptedResult | undefined {
  const result = file ? results[file.id] : undefined;
  return result && result.model === model && result.input === file?.modelInput ? result : undefined;
}
