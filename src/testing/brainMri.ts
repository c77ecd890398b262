/**
 * Test-only helper: real brain MRI slices from the shared dataset, read in place
 * (never copied into the repository), turned into the 200x200 model input the
 * app encrypts. Tests that need them skip, with the reason, where the dataset is
 * absent. Never imported by app code.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImageFile } from '../lib/decode';
import type { RgbImage } from '../lib/image/rgb';
import { toModelInput } from '../lib/image/resize';

export const BRAIN_MRI_TESTING = '../shared/datasets/brain-mri/Testing';
export const hasBrainMri = existsSync(BRAIN_MRI_TESTING);

/** The `index`-th file (sorted by name) of a class folder, as a 200x200 RGB model input. */
export async function loadBrainMri(
  className: 'glioma' | 'meningioma' | 'notumor' | 'pituitary',
  index: number,
  size = 200,
): Promise<RgbImage> {
  const dir = join(BRAIN_MRI_TESTING, className);
  const names = readdirSync(dir)
    .filter((n) => /\.(jpe?g|png)$/i.test(n))
    .sort();
  const name = names[index % names.length];
  const decoded = await decodeImageFile(new Uint8Array(readFileSync(join(dir, name))), name);
  return toModelInput(decoded.image, size);
}
