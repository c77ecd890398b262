/**
 * Probabilities from logits under a model's calibration temperature: softmax(logits / T),
 * computed stably. The one formula behind the model's own probabilities (model.ts does it
 * on tensors), calibration fitting (learn/evaluation/calibration.ts) and the certainty of
 * logits that came back from elsewhere (decrypted CKKS answers). Pure.
 */

/** softmax(row / T), computed stably. */
export function softmaxT(row: ArrayLike<number>, temperature = 1): number[] {
  let m = -Infinity;
  for (let i = 0; i < row.length; i++) m = Math.max(m, row[i] / temperature);
  const e = Array.from(row, (v) => Math.exp(v / temperature - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}
