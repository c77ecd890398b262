/**
 * How damage done to an encrypted image looks after decryption: how many values
 * changed before and after, and by how much. BPE is a keyed permutation with
 * inversions, so the counts must be equal (damage stays local to the values hit,
 * though it lands at scattered plain positions). Compares images only; no key.
 */
import type { RgbImage } from '../image/rgb';

export interface DamageSpread {
  changedEncrypted: number;
  changedDecrypted: number;
  /** sum of |difference| over all values, before and after decryption */
  absErrorEncrypted: number;
  absErrorDecrypted: number;
}

export function changedValues(a: Uint8Array, b: Uint8Array): { count: number; absError: number } {
  if (a.length !== b.length) throw new Error('cannot compare images of different sizes');
  let count = 0;
  let absError = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      count++;
      absError += Math.abs(a[i] - b[i]);
    }
  }
  return { count, absError };
}

export function damageSpread(
  encrypted: RgbImage,
  attacked: RgbImage,
  original: RgbImage,
  attackedDecrypted: RgbImage,
): DamageSpread {
  const before = changedValues(encrypted.data, attacked.data);
  const after = changedValues(original.data, attackedDecrypted.data);
  return {
    changedEncrypted: before.count,
    changedDecrypted: after.count,
    absErrorEncrypted: before.absError,
    absErrorDecrypted: after.absError,
  };
}
