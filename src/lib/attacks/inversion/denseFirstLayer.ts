/**
 * The textbook analytic leak (Phong et al. 2017) on a model whose first layer is
 * a dense layer with bias over the whole image: z = x W1 + b1, h = sigmoid(z),
 * logits = h W2 + b2, cross-entropy on one labelled image. Its single-image
 * update (dW1 = xᵀ dz, db1 = dz) gives x back exactly: linearLeak.ts
 * `invertSingleInput`. Used where the shipped model's own update is refused by
 * the closed form (patchEmbeddingLeak.ts: the brain ViT has a stem), so the page
 * can still show what an unprotected update gives away, on a model named as
 * such. Pure maths in Float64, no tensors; the weights are random (seeded): the
 * leak does not depend on them. Never logs pixels.
 */
import type { RgbImage } from '../../image/rgb';
import { SeededRandom } from '../../random/seededRandom';
import { invertSingleInput } from './linearLeak';

export interface DenseFirstLayerLeak {
  image: RgbImage;
  hidden: number;
  /** largest |recovered − original| in pixel units (0..255) before rounding */
  maxPixelError: number;
}

/** The update of one image [0..255 RGB] through the dense-first-layer model, then the closed-form recovery. */
export function denseFirstLayerLeak(
  image: RgbImage,
  label: number,
  seed = 1,
  hidden = 4,
  classes = 4,
): DenseFirstLayerLeak {
  const P = image.width * image.height * 3;
  const rng = new SeededRandom(seed);
  const x = Float64Array.from(image.data, (v) => v / 255);
  const w1 = Float64Array.from({ length: P * hidden }, () => rng.normal() / Math.sqrt(P));
  const b1 = Float64Array.from({ length: hidden }, () => rng.normal() * 0.1);
  const w2 = Float64Array.from({ length: hidden * classes }, () => rng.normal());
  // forward
  const z = Float64Array.from(b1);
  for (let p = 0; p < P; p++) for (let j = 0; j < hidden; j++) z[j] += x[p] * w1[p * hidden + j];
  const h = z.map((v) => 1 / (1 + Math.exp(-v)));
  const logits = Array.from({ length: classes }, (_, c) => h.reduce((s, hj, j) => s + hj * w2[j * classes + c], 0));
  const top = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  const delta = e.map((v, c) => v / total - (c === label % classes ? 1 : 0));
  // backward: the victim's update of the first layer
  const dz = h.map((hj, j) => delta.reduce((s, d, c) => s + d * w2[j * classes + c], 0) * hj * (1 - hj));
  const dW1 = new Float64Array(P * hidden);
  for (let p = 0; p < P; p++) for (let j = 0; j < hidden; j++) dW1[p * hidden + j] = x[p] * dz[j];
  // the attacker
  const recovered = invertSingleInput(dW1, dz);
  let maxPixelError = 0;
  const data = new Uint8Array(P);
  for (let p = 0; p < P; p++) {
    maxPixelError = Math.max(maxPixelError, Math.abs(recovered[p] * 255 - image.data[p]));
    data[p] = Math.min(255, Math.max(0, Math.round(recovered[p] * 255)));
  }
  return { image: { width: image.width, height: image.height, data }, hidden, maxPixelError };
}
