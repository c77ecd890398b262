/**
 * The inversion attacker's public knowledge of a dataset: its mean image (the
 * baseline every reconstruction is scored against, and the starting point of
 * the token inversion) from an evenly spaced sample of <data>/Training, and a
 * few of those images' class tokens (serverView.ts `tokenPrior`). Node only:
 * reads image files; never logs pixels.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImageFile } from '../../lib/decode';
import type { RgbImage } from '../../lib/image/rgb';
import { toModelInput } from '../../lib/image/resize';
import { listImages } from '../training/dataset';

export async function readModelInput(path: string, size = 200): Promise<RgbImage> {
  return toModelInput((await decodeImageFile(new Uint8Array(await readFile(path)), path)).image, size);
}

export interface PublicSample {
  mean: RgbImage;
  /** the first few sampled images, for the class-token prior */
  images: RgbImage[];
  count: number;
}

/** Mean of `count` images spread evenly over the sorted file list of `dir` (all classes). */
export async function publicSample(dir: string, count = 60, keep = 8, size = 200): Promise<PublicSample> {
  const { files } = await listImages(dir);
  const n = Math.min(count, files.length);
  const sum = new Float64Array(size * size * 3);
  const images: RgbImage[] = [];
  for (let i = 0; i < n; i++) {
    const image = await readModelInput(join(dir, files[Math.floor((i * files.length) / n)]), size);
    for (let j = 0; j < sum.length; j++) sum[j] += image.data[j];
    if (images.length < keep) images.push(image);
  }
  const mean = { width: size, height: size, data: Uint8Array.from(sum, (v) => Math.round(v / n)) };
  return { mean, images, count: n };
}
