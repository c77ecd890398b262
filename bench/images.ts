/**
 * Deterministic synthetic scans for the benchmark: a batch of S x S x 3 "phantom"
 * slices (head-like ellipses, inner structures, seeded noise), made the same way in
 * Node and in the browser so every row of the benchmark runs on the same bytes.
 * Synthetic on purpose: the benchmark must not depend on, or copy, real patient data.
 */
import { seededUniform } from '../src/lib/random/seededRandom';

/** One grayscale-as-RGB phantom slice; `index` varies position, size and noise. */
export function phantomSlice(size: number, index: number): Uint8Array {
  const rand = seededUniform(0x5eed + index * 7919);
  const out = new Uint8Array(size * size * 3);
  const cx = size / 2 + (rand() - 0.5) * size * 0.1;
  const cy = size / 2 + (rand() - 0.5) * size * 0.1;
  const rx = size * (0.36 + rand() * 0.06);
  const ry = size * (0.42 + rand() * 0.05);
  const lesion = { x: cx + (rand() - 0.5) * rx, y: cy + (rand() - 0.5) * ry, r: size * (0.03 + rand() * 0.06) };
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const e = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
      let v = 0;
      if (e < 1) v = e > 0.85 ? 230 : 90 + 40 * Math.cos(e * 9); // skull rim, soft tissue
      if (Math.hypot(x - lesion.x, y - lesion.y) < lesion.r) v = 200;
      v += (rand() - 0.5) * 16;
      const g = Math.max(0, Math.min(255, Math.round(v)));
      const i = (y * size + x) * 3;
      out[i] = out[i + 1] = out[i + 2] = g;
    }
  return out;
}

/** `count` slices laid end to end (the batch layout every BPE implementation takes). */
export function phantomBatch(size: number, count: number): Uint8Array {
  const n = size * size * 3;
  const out = new Uint8Array(n * count);
  for (let k = 0; k < count; k++) out.set(phantomSlice(size, k), k * n);
  return out;
}
