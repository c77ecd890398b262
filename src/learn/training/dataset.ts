/**
 * Node-only: reads a dataset laid out as <dir>/<class>/<image files>, decodes each
 * file once to the 200 x 200 RGB model input and caches the bytes under .cache/
 * (gitignored; files 0600), so training epochs never decode JPEGs again; a file changed
 * under the same name is decoded again. Never copies images into the repository and never
 * logs pixels.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { DecodeError, decodeImageFile } from '../../lib/decode';
import { MODEL_INPUT_SIZE } from '../../lib/image/modelInput';
import { toModelInput } from '../../lib/image/resize';

import type { ImageSet } from '../evaluation/batchPredict';
export type { ImageSet };

const IMAGE_EXT = /\.(jpe?g|png|dcm)$/i;

export async function listImages(dir: string): Promise<{ classes: string[]; files: string[]; labels: number[] }> {
  if (!existsSync(dir)) throw new Error(`no such dataset folder: ${dir}`);
  const entries = await readdir(dir, { withFileTypes: true });
  const classes = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (classes.length < 2) throw new Error(`${dir} needs one sub-folder per class (found ${classes.length})`);
  const files: string[] = [];
  const labels: number[] = [];
  for (let c = 0; c < classes.length; c++) {
    const names = (await readdir(join(dir, classes[c]))).filter((n) => IMAGE_EXT.test(n)).sort();
    for (const n of names) {
      files.push(join(classes[c], n));
      labels.push(c);
    }
  }
  return { classes, files, labels };
}

/** Loads (or builds, then caches) the decoded S x S images (S = MODEL_INPUT_SIZE) of one split folder. */
export async function loadImageSet(
  dir: string,
  size = MODEL_INPUT_SIZE,
  cacheDir = '.cache/datasets',
  log: (s: string) => void = () => {},
): Promise<ImageSet> {
  const abs = resolve(dir);
  const { classes, files, labels } = await listImages(abs);
  // each file's size and modification time too: a file replaced under the same name must not be read
  // from the cache as the old image (an evaluation would report the old figures)
  const stamps = await Promise.all(
    files.map(async (f) => {
      const s = await stat(join(abs, f));
      return `${f}:${s.size}:${s.mtimeMs}`;
    }),
  );
  const id = createHash('sha256')
    .update(`${abs}|${size}|${stamps.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
  const stem = join(cacheDir, `${basename(resolve(abs, '..'))}-${basename(abs)}-${size}-${id}`);
  const bytes = files.length * size * size * 3;
  if (existsSync(stem + '.bin')) {
    const pixels = new Uint8Array(await readFile(stem + '.bin'));
    if (pixels.length === bytes) return { classes, labels: Uint8Array.from(labels), files, size, pixels };
  }
  const pixels = new Uint8Array(bytes);
  const t0 = Date.now();
  for (let i = 0; i < files.length; i++) {
    const decoded = await decodeImageFile(new Uint8Array(await readFile(join(abs, files[i]))), files[i]).catch(
      (err: unknown) => {
        // the set is decoded as a whole, so one bad file stops it: say which, so it can be fixed or moved out
        throw new DecodeError(`${files[i]} in ${dir}: ${err instanceof Error ? err.message : String(err)}`, files[i], {
          cause: err,
        });
      },
    );
    pixels.set(toModelInput(decoded.image, size).data, i * size * size * 3);
    if ((i + 1) % 500 === 0 || i + 1 === files.length)
      log(`decoded ${i + 1}/${files.length} images of ${dir} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  // decoded pixels of possibly clinical images: readable by this user only
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  await writeFile(stem + '.bin', pixels, { mode: 0o600 });
  return { classes, labels: Uint8Array.from(labels), files, size, pixels };
}

/** Seeded stratified split: a fraction of each class goes to validation. */
export function stratifiedSplit(
  labels: Uint8Array,
  fraction: number,
  shuffle: (a: number[]) => void,
): { train: number[]; val: number[] } {
  const byClass = new Map<number, number[]>();
  labels.forEach((l, i) => byClass.set(l, [...(byClass.get(l) ?? []), i]));
  const train: number[] = [];
  const val: number[] = [];
  for (const idx of [...byClass.keys()].sort((a, b) => a - b).map((k) => byClass.get(k)!)) {
    shuffle(idx);
    const nVal = Math.round(idx.length * fraction);
    val.push(...idx.slice(0, nVal));
    train.push(...idx.slice(nVal));
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}
