/**
 * The same model's logits from two places (this device and the server's head on CKKS
 * ciphertext, decrypted here): the class each gives and the largest difference. The page's
 * encrypted-inference panel and `cli he infer` both read their answers with it. Pure.
 */

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Same class on both sides, and the largest |server − local| logit. */
export function compareLogits(
  server: ArrayLike<number>,
  local: ArrayLike<number>,
): { agree: boolean; maxAbsLogitDiff: number } {
  if (server.length !== local.length) throw new Error('the server answered logits for another number of classes');
  let diff = 0;
  for (let c = 0; c < local.length; c++) diff = Math.max(diff, Math.abs(server[c] - local[c]));
  return { agree: argmax(server) === argmax(local), maxAbsLogitDiff: diff };
}
