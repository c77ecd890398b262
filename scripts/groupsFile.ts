/**
 * The groups file of a dataset, `.cache/cv/<ds>/groups.json`: each pooled image (keyed
 * `<split>/<class>/<file>`) and the group of its presumed original, with the similarity
 * threshold that joined them. Written by near-duplicates.ts (lung) and image-copies.ts (brain);
 * `cv-folds.ts --groups` deals whole groups to folds, so no held-out image has a detected copy
 * on the training side.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeGroupsFile(
  ds: string,
  data: string,
  threshold: number,
  files: string[],
  component: ArrayLike<number>,
): string {
  const path = join('.cache/cv', ds, 'groups.json');
  mkdirSync(dirname(path), { recursive: true });
  const group = Object.fromEntries(files.map((f, i) => [f, component[i]]));
  writeFileSync(path, JSON.stringify({ data, threshold, group }, null, 1) + '\n');
  return path;
}
