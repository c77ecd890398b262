/**
 * The groups file of a dataset, `.cache/cv/<ds>/groups.json`: each pooled image (keyed
 * `<split>/<class>/<file>`) and the group of its presumed original, with the similarity
 * threshold that joined them. Written by near-duplicates.ts (lung) and image-copies.ts (brain);
 * `cv-folds.ts --groups` deals whole groups to folds, so no held-out image has a detected copy
 * on the training side.
 *
 * A group never spans two classes in the file: a copy component that does (brain: chains
 * through look-alike scans, and a few scans filed under two labels) is split by class. The
 * folds are dealt per class (duplicateGroups.ts dealGroupedFolds) and a fold's validation split
 * is drawn per class by whole groups (validationGroups.ts), so each class's part is what both
 * can keep whole; the cross-class edges stay in the report (its "Cross-class" section).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `<split>/<class>/<file>` → class */
const classOf = (file: string) => file.split('/')[1];

/**
 * Component ids made distinct per class: a component's part in the class of its first image keeps
 * its id, a part in another class takes the next unused id (in order of first image). A file whose
 * components are each of one class (lung) comes out unchanged, so its sha256, which fold models
 * record, stays the same.
 */
export function groupsByClass(files: readonly string[], component: ArrayLike<number>): number[] {
  let next = 1 + Math.max(-1, ...Array.from(component));
  const firstClass = new Map<number, string>();
  const moved = new Map<string, number>();
  return files.map((f, i) => {
    const c = component[i];
    const cls = classOf(f);
    if (!firstClass.has(c)) firstClass.set(c, cls);
    if (firstClass.get(c) === cls) return c;
    const key = `${c}\u0000${cls}`;
    if (!moved.has(key)) moved.set(key, next++);
    return moved.get(key)!;
  });
}

export function writeGroupsFile(
  ds: string,
  data: string,
  threshold: number,
  files: string[],
  component: ArrayLike<number>,
): string {
  const path = join('.cache/cv', ds, 'groups.json');
  mkdirSync(dirname(path), { recursive: true });
  const ids = groupsByClass(files, component);
  const group = Object.fromEntries(files.map((f, i) => [f, ids[i]]));
  writeFileSync(path, JSON.stringify({ data, threshold, group }, null, 1) + '\n');
  return path;
}
