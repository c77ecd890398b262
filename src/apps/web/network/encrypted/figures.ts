/**
 * Sentences for the encrypted-diagnosis panel: sizes in words, and what the
 * server saw (from the measured result, not a fixed text).
 */
import type { EncryptedDiagnosis } from './encryptedInference';

export function formatBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} KB`;
  return `${n} bytes`;
}

type Sizes = Pick<EncryptedDiagnosis, 'bytesUp' | 'bytesDown' | 'galoisKeyBytes'>;

export function describeSizes(r: Sizes): string {
  return (
    `${formatBytes(r.bytesUp)} up, ${formatBytes(r.bytesDown)} down for this scan; ` +
    `${formatBytes(r.galoisKeyBytes)} of Galois keys once per session`
  );
}

type Seen = Pick<EncryptedDiagnosis, 'model' | 'bytesUp' | 'galoisKeyBytes' | 'ciphertextsUp' | 'featureCount'>;

export function serverSawSentence(r: Seen): string {
  const ct = r.ciphertextsUp === 1 ? 'one CKKS ciphertext' : `${r.ciphertextsUp} CKKS ciphertexts`;
  return (
    `What the server saw: your account, the model's name (${r.model}), ${ct} (${formatBytes(r.bytesUp)}) holding ` +
    `${r.featureCount} numbers it cannot read, ${formatBytes(r.galoisKeyBytes)} of Galois keys (they let it ` +
    `rotate ciphertexts, not decrypt them) and the encrypted answer it computed. It never had the scan, the ` +
    `numbers in the clear, the key, or the answer.`
  );
}
